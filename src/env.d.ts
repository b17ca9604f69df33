// Astro's ambient types (import.meta.env and friends), so `tsc` passes on a fresh clone before Astro has generated
// .astro/types.d.ts.
/// <reference types="astro/client" />
