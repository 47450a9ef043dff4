import { MemoryCache, SdmsClient } from "@schoolbridge/sdms-client"
import { Effect, Layer } from "effect"

const Sdms = SdmsClient.layerConfig().pipe(Layer.provide(MemoryCache.layer()))

const program = Effect.gen(function* () {
  const sdms = yield* SdmsClient.SdmsClient
  const { record, stale } = yield* sdms.student(process.argv[2] ?? "S000000042")
  console.log(record.fullName, record.schoolCode, stale ? "(stale)" : "")
})
Effect.runPromise(program.pipe(Effect.provide(Sdms)))
