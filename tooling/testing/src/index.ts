export * from "./Databases.js"
export * from "./Servers.js"
