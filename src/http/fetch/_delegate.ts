/**
 * The lazy Request and the light Response answer a few properties themselves and hand
 * everything else to the platform's object, made on first use. This fills in the "everything
 * else": for each method and getter of `platform` that `lazy` does not define, a stand-in
 * that calls it on `real(this)`.
 */
export function delegateRest<T extends object>(
  lazy: object,
  platform: T,
  real: (self: never) => T,
): void {
  for (const name of Object.getOwnPropertyNames(platform)) {
    if (name === "constructor" || Object.hasOwn(lazy, name)) continue;
    const desc = Object.getOwnPropertyDescriptor(platform, name)!;
    const key = name as keyof T;
    if (typeof desc.value === "function") {
      Object.defineProperty(lazy, name, {
        value(this: never, ...args: unknown[]) {
          const target = real(this);
          return (target[key] as (...a: unknown[]) => unknown).apply(target, args);
        },
        writable: true,
        configurable: true,
      });
    } else if (desc.get) {
      Object.defineProperty(lazy, name, {
        get(this: never) {
          return real(this)[key];
        },
        configurable: true,
      });
    }
  }
}
