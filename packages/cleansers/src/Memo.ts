/**
 * A bounded memo of recent results. Legacy tables repeat the same values (the same parent
 * phone on every sibling, the same dozen dates of birth per class), so remembering recent
 * inputs skips most of the expensive parsing. Two generations keep it O(1) and bounded:
 * when the young map is full it becomes the old one and the previous old one is dropped.
 */
export interface Memo<V> {
  readonly get: (key: string) => V | undefined
  readonly set: (key: string, value: V) => void
}

/** A memo holding at most about `2 * capacity` entries. */
export const make = <V>(capacity: number): Memo<V> => {
  let young = new Map<string, V>()
  let old = new Map<string, V>()
  const set = (key: string, value: V): void => {
    if (young.size >= capacity) {
      old = young
      young = new Map()
    }
    young.set(key, value)
  }
  return {
    get: (key) => {
      const hit = young.get(key)
      if (hit !== undefined) return hit
      const older = old.get(key)
      if (older !== undefined) set(key, older)
      return older
    },
    set,
  }
}
