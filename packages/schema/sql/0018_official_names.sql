-- Names as a school prints them on certificates, and the dates of birth and genders of staff and
-- guardians, which the portal had nowhere to keep.
--
-- The official name (the full legal name, e.g. "Nurul Huda binti Abdullah") and the name in the
-- person's own script (Jawi, Arabic, Chinese, Tamil) belong to the person. The person's name lives on
-- auth.users for students and staff (both always have an account) and on academic.guardians for
-- guardians (who may have none), so both tables get the two columns, as both have first_name and
-- last_name. Date of birth and gender sit next to students' own columns of the same names.
--
-- Every column is nullable: rows loaded before, and sources that have no such data, keep null.
-- Version 0017 is held by another branch; the migrator applies any version missing from its ledger,
-- in version order, so a database that has 0018 takes 0017 on its next migrate. Nothing here depends
-- on 0017 or on column order.

alter table auth.users
  add column official_name  text,
  add column name_in_script text;

alter table academic.guardians
  add column official_name  text,
  add column name_in_script text,
  add column date_of_birth  date,
  add column gender         academic.gender_type;

alter table academic.teachers
  add column date_of_birth date,
  add column gender        academic.gender_type;
