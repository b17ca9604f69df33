// `wirefold model build` against the reference build in ../shared/models: every output file must be byte-identical
// (sha256). For the two ONNX files the brief's acceptance fallback applies: if the bytes differ, the built model must
// still embed 200 fixed headlines with cosine >= 0.9999 to the reference model's embeddings.
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildDefaultModel } from '../src/embed/model-build/index.ts';
import { PyFloat, pyFloatRepr, pyJsonDumps } from '../src/embed/model-build/py-json.ts';
import { quantizePerChannel } from '../src/embed/model-build/quantize.ts';

const repoRoot = path.resolve(import.meta.dirname, '..');
const MODEL_ID = 'local/universal-sentence-encoder-lite';
const REF_ROOT = path.resolve(repoRoot, '../shared/models');
const REF_DIR = path.join(REF_ROOT, MODEL_ID);
const haveRef = existsSync(REF_DIR);

const JSON_FILES = ['config.json', 'special_tokens_map.json', 'tokenizer.json', 'tokenizer_config.json'];
const ONNX_FILES = [['onnx/model.onnx', 'fp32'], ['onnx/model_quantized.onnx', 'q8']] as const;

const sha256 = async (file: string): Promise<string> => createHash('sha256').update(await readFile(file)).digest('hex');

// 200 fixed headlines for the cosine fallback (one per line).
const HEADLINES = `Central bank holds interest rates steady amid inflation worries
Storm knocks out power to thousands along the coast
Tech giant unveils new smartphone with longer battery life
Parliament passes controversial budget after late-night vote
Scientists discover new species of frog in rainforest
Oil prices climb as supply concerns grow
Local team wins championship in overtime thriller
City council approves plan for new bike lanes
Wildfire forces evacuation of mountain towns
Stock markets tumble after weak jobs report
Government announces plan to cut carbon emissions by half
Hospital workers strike over pay and staffing
Astronomers spot distant galaxy in early universe
Airline cancels hundreds of flights after system outage
Prime minister faces confidence vote next week
Researchers link poor sleep to heart disease risk
Electric car sales hit record high in Europe
Museum returns looted artifacts to country of origin
Heatwave breaks temperature records across the region
Court blocks new immigration rules
Startup raises funding to build cheaper batteries
Police arrest suspect in bank robbery
Drought threatens harvest for wheat farmers
New vaccine shows promise in early trials
Housing prices fall for third straight month
Football star signs record transfer deal
Earthquake shakes island, no tsunami warning issued
Social media platform fined over data privacy breach
Teachers union calls for smaller class sizes
Space agency delays rocket launch due to weather
Retail sales rise ahead of holiday season
Floods displace thousands in river valley
President meets foreign leaders at climate summit
Chipmaker reports surge in quarterly profits
Marathon runner sets new world record
Study finds microplastics in drinking water
Train derailment disrupts commuter services
Film festival opens with premiere of historical drama
Unemployment rate drops to lowest level in decade
Cyberattack hits major hospital network
Farmers protest over new trade agreement
Ancient shipwreck found off the coast
Central bank raises rates for the first time in years
Volcano eruption sends ash cloud over nearby villages
Software update fixes security flaw in popular browser
Mayor resigns after corruption investigation
Tennis champion withdraws from tournament with injury
Coral reefs suffer worst bleaching on record
Supermarket chain recalls contaminated salad
Election results delayed as votes are recounted
Researchers build robot that can fold laundry
Currency slides to record low against the dollar
Bridge closure causes traffic chaos downtown
Famous author publishes long-awaited sequel
Snowstorm closes schools across the state
Pharmaceutical company settles lawsuit over painkillers
National park reopens after wildfire damage
Minister unveils plan to build more affordable homes
Satellite images reveal melting glaciers
Basketball team fires head coach after losing streak
Ceasefire agreed after weeks of fighting
Streaming service raises subscription prices
Scientists sequence genome of ancient wolf
Factory closure puts hundreds of jobs at risk
Police investigate vandalism at historic church
Doctors warn of rising flu cases this winter
Investors await decision from the central bank
Bird flu outbreak detected on poultry farm
New law bans single-use plastic bags
Quarterback leads comeback win in final minutes
Archaeologists uncover Roman villa beneath parking lot
Power grid strained as demand soars in heatwave
Automaker recalls vehicles over brake defect
Protesters march against pension reform
Study says coffee may lower risk of liver disease
Airport expansion plan approved despite objections
Hackers steal customer data from online retailer
Rare solar eclipse draws crowds of spectators
Health ministry reports drop in smoking rates
Olympic committee announces host city for games
Inflation eases slightly but remains high
Researchers develop test for early cancer detection
Landslide blocks main highway after heavy rain
Opposition leader calls for early elections
Bank fined for failing to prevent money laundering
Cricket team clinches series with final day victory
Whale washes up on popular beach
Tech company announces thousands of layoffs
Government bonds rally as investors seek safety
Town celebrates opening of new library
Scientists warn of faster sea level rise
Car maker to build new battery plant
Workers rescued after mine collapse
Internet outage affects millions of users
Singer cancels tour due to health issues
Trade talks stall over farm subsidies
Study shows exercise boosts memory in older adults
Refugees arrive at border after long journey
Judge sentences former executive to prison for fraud
Cycling race leader crashes on mountain stage
New telescope captures stunning images of nebula
Rail workers announce nationwide strike
Gold prices hit all-time high
Children's hospital receives large donation
Hurricane strengthens as it approaches the coast
Regulators approve merger of two telecom firms
Golf star wins major title by three strokes
Wildlife officials track escaped tiger
Government to raise minimum wage next year
Researchers find water ice on the moon
Restaurant chain closes dozens of locations
Voters head to the polls in tight race
Cruise ship quarantined after illness outbreak
Startup launches app to reduce food waste
Ancient tomb discovered near the pyramids
Housing shortage pushes rents to new highs
Swimmer breaks national record at trials
Heavy rains trigger flash floods in capital
Social network bans political advertising
Police seize large shipment of illegal drugs
Economy grows faster than expected
Scientists create material stronger than steel
Dock workers end strike after pay deal
Wildfire smoke blankets city in haze
Video game studio announces sequel to hit title
Air pollution linked to dementia risk
Senate confirms new supreme court justice
Energy company reports record profits
Rugby team wins world cup final
Tornado destroys homes in small town
Medical breakthrough offers hope for diabetes patients
Toy maker recalls product over choking hazard
Drone deliveries begin in rural areas
Heat pump sales soar as gas prices rise
Diplomats expelled in spy row
Students protest rising tuition fees
Famous painting sells for record price at auction
Antarctic ice shelf breaks apart
Delivery drivers demand better working conditions
Government approves new nuclear power plant
Boxer retains heavyweight title
Scientists revive plant from ancient seeds
Mortgage rates rise to highest in years
Police chief resigns amid misconduct scandal
Outbreak of measles reported in schools
Company unveils humanoid robot for factories
Parliament debates assisted dying bill
Nation mourns death of beloved actor
Shipping costs surge as canal blocked
Researchers map brain of fruit fly
Smartphone maker faces antitrust probe
River pollution kills thousands of fish
Skier wins gold in downhill event
Central bank warns of financial stability risks
Charity appeals for help after earthquake
Online shopping boom boosts delivery firms
Wind farm project gets green light
Emergency declared as wildfires spread
Scientists discover exoplanet that could host life
Teenager wins national spelling bee
Government unveils plan to fix potholes
Carmaker shifts production to electric models
Firefighters battle blaze at chemical plant
Stock exchange hit by technical glitch
Health officials confirm first case of new virus
Activists glue themselves to road in climate protest
Baseball pitcher throws perfect game
Housing minister promises action on mould
Lottery winner claims record jackpot
Researchers use AI to predict protein shapes
Ferry capsizes in storm, dozens missing
Chancellor announces tax cuts in budget
Mountain climbers rescued after avalanche
Music streaming revenue overtakes CD sales
Supreme court rules on voting rights case
Bees threatened by pesticide use, study finds
Factory output falls for second month
Navy ship collides with fishing boat
New museum celebrates history of jazz
Power outage hits subway during rush hour
Scientists grow human organ tissue in lab
Gas prices fall ahead of holiday travel
Former president indicted on federal charges
Tech firm invests billions in data centers
Volunteers clean up plastic from beaches
Sprinter disqualified for false start
Drought forces water restrictions in city
Major bank collapses, regulators step in
Meteor shower lights up night sky
Nurses vote to accept new contract
App store rules challenged by developers
Farmers turn to drones to monitor crops
Fire breaks out at historic cathedral
Economists predict recession next year
Rescue dogs search rubble for survivors
Company fined for polluting river
Child poverty rises, report warns
Chess prodigy becomes youngest grandmaster
Satellite launch expands rural internet access
Zoo welcomes birth of baby panda`.split('\n');

/** Mean-pooled, L2-normalised embeddings of HEADLINES from the model under <root>/local/universal-sentence-encoder-lite. */
async function embed(root: string, dtype: 'fp32' | 'q8'): Promise<number[][]> {
  const { pipeline, env } = await import('@huggingface/transformers');
  env.allowRemoteModels = false;
  env.localModelPath = root;
  const fe = await pipeline('feature-extraction', MODEL_ID, { dtype });
  try {
    const out = await fe(HEADLINES.map((t) => t.trim()), { pooling: 'mean', normalize: true });
    return out.tolist() as number[][];
  } finally {
    await fe.dispose();
  }
}

function minCosine(a: number[][], b: number[][]): number {
  let min = Infinity;
  a.forEach((u, i) => {
    const v = b[i] ?? [];
    let dot = 0, nu = 0, nv = 0;
    u.forEach((x, j) => { const y = v[j] ?? 0; dot += x * y; nu += x * x; nv += y * y; });
    min = Math.min(min, dot / Math.sqrt(nu * nv));
  });
  return min;
}

describe('py-json / quantize helpers', () => {
  it('formats floats like Python repr', () => {
    const cases: [number, string][] = [
      [0, '0.0'], [-1000, '-1000.0'], [30, '30.0'], [-3.28450870514, '-3.28450870514'], [0.1, '0.1'],
      [1e-4, '0.0001'], [1e-5, '1e-05'], [1.5e-7, '1.5e-07'], [1e15, '1000000000000000.0'], [1e16, '1e+16'],
      [1.2345e22, '1.2345e+22'], [123.456, '123.456'],
    ];
    for (const [x, s] of cases) expect(pyFloatRepr(x)).toBe(s);
  });
  it('dumps JSON like Python json.dumps', () => {
    const v = { a: [1, new PyFloat(2), 'é"\\\n'], b: {}, c: [], d: null, e: true };
    expect(pyJsonDumps(v)).toBe('{"a": [1, 2.0, "\\u00e9\\"\\\\\\n"], "b": {}, "c": [], "d": null, "e": true}');
    expect(pyJsonDumps(v, { ensureAscii: false, indent: 2 }))
      .toBe('{\n  "a": [\n    1,\n    2.0,\n    "é\\"\\\\\\n"\n  ],\n  "b": {},\n  "c": [],\n  "d": null,\n  "e": true\n}');
    expect(pyJsonDumps('\u{1F600}\x7f')).toBe('"\\ud83d\\ude00\\u007f"');
  });
  it('quantizes per channel with numpy rounding (half to even)', () => {
    // column 0: max 127 -> scale 1, so 0.5 -> 0 and 2.5 -> 2 (half to even); column 1 is all zero -> scale 1
    const { q, scale } = quantizePerChannel(Float32Array.of(0.5, 0, 2.5, 0, -127, 0), [3, 2], 1);
    expect([...scale]).toEqual([1, 1]);
    expect([...q]).toEqual([0, 0, 2, 0, -127, 0]);
  });
});

describe.skipIf(!haveRef)('wirefold model build', () => {
  let root = '';
  let outDir = '';
  let files: string[] = [];

  beforeAll(async () => {
    root = await mkdtemp(path.join(tmpdir(), 'wirefold-model-build-'));
    outDir = path.join(root, MODEL_ID); // Transformers.js layout, so the fallback can load it by id
    const t = performance.now();
    ({ files } = await buildDefaultModel(outDir));
    console.log(`model build: ${files.length} files in ${((performance.now() - t) / 1000).toFixed(2)} s`);
  }, 120_000);
  afterAll(async () => { if (root) await rm(root, { recursive: true, force: true }); });

  it('writes the expected files', () => {
    expect(files.map((f) => path.relative(outDir, f)).sort())
      .toEqual([...JSON_FILES, ...ONNX_FILES.map(([f]) => f)].sort());
  });

  it.each(JSON_FILES)('%s is byte-identical to the reference', async (rel) => {
    expect(await sha256(path.join(outDir, rel))).toBe(await sha256(path.join(REF_DIR, rel)));
  });

  it.each(ONNX_FILES)('%s is byte-identical to the reference (or embeds within cosine 0.9999)', async (rel, dtype) => {
    const [built, ref] = await Promise.all([sha256(path.join(outDir, rel)), sha256(path.join(REF_DIR, rel))]);
    if (built === ref) return;
    console.warn(`${rel}: sha256 ${built} != reference ${ref}; falling back to the embedding cosine check`);
    const cos = minCosine(await embed(root, dtype), await embed(REF_ROOT, dtype));
    expect(cos).toBeGreaterThanOrEqual(0.9999);
  }, 120_000);
});

if (!haveRef) {
  console.warn(`model-build: reference model not found at ${REF_DIR}; skipping the comparison against it`);
}
