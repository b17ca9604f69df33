// Wire copy opens with a dateline ("WASHINGTON (Reuters) -"): useful on the wire, noise at the start of a blurb.

// A city in capitals ("SAN FRANCISCO", "ST. LOUIS"), optionally with a date ("Nov 17", "Nov. 17").
const city = String.raw`[A-Z][A-Z.'’-]{2,}(?:\s+[A-Z][A-Z.'’-]*)*(?:,\s*[A-Z][a-z]{2,8}\.?\s+\d{1,2})?`;
// An agency or outlet in brackets: "(Reuters)", "(AP)", "(Meridian)", "(CNN Business)".
const agency = String.raw`\([A-Z][\w.&’' -]{0,40}\)`;
const dash = String.raw`\s*[-–—]+\s*`;
const datelines = [
  // "WASHINGTON (Reuters) -", "LONDON, Nov 17 (AP) —", "(Meridian) —", "(CNN)The …"
  new RegExp(String.raw`^(?:${city}\s*)?${agency}(?:${dash}|\s*(?=[A-Z"“‘]))`),
  // "WASHINGTON —", "BEIJING, Nov. 17 -": a city alone needs the dash and a sentence after it, or it would eat a
  // shouted first word ("US - China trade talks").
  new RegExp(String.raw`^${city}${dash}(?=[A-Z"“‘])`),
];

/** The summary without a leading wire dateline; anything else is left as it was. */
export function stripDateline(summary: string): string {
  const text = summary.trimStart();
  for (const pattern of datelines) {
    const match = pattern.exec(text);
    if (match && match[0].length < text.length) return text.slice(match[0].length);
  }
  return summary;
}
