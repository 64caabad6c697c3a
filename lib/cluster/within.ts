/** Waits for `promise` at most `ms` (it goes on in the background after that). */
export function within(promise: Promise<unknown>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, ms);
  });
  return Promise.race([promise.then(() => undefined).catch(() => undefined), timeout]).finally(() => clearTimeout(timer));
}
