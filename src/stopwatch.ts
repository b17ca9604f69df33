// Where a stage's time goes: a lap timer whose figures a stage keeps with its run's counts (cluster, build).

/** Each call returns the seconds since the previous one (or since the stopwatch was made). */
export function stopwatch(): () => number {
  let mark = performance.now();
  return () => {
    const seconds = (performance.now() - mark) / 1000;
    mark = performance.now();
    return seconds;
  };
}
