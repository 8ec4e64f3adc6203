/**
 * Server-side masking of personal data (DESIGN.md principle 8; 001 号票 shows
 * the ID number masked). Screens, logs and exports only ever get these forms.
 */

const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK = '10X98765432';

/** GB 11643-1999 check digit of an 18-character resident ID number. */
export function idCheckDigit(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * WEIGHTS[i]!;
  return CHECK[sum % 11]!;
}

/** True for a 15-digit (old) or 18-character ID whose check digit is right (`x` accepted as `X`). */
export function isValidIdNumber(id: string): boolean {
  if (/^\d{15}$/.test(id)) return true;
  if (!/^\d{17}[\dXx]$/.test(id)) return false;
  return idCheckDigit(id.slice(0, 17)) === id[17]!.toUpperCase();
}

/** Upper-case, trimmed form of an ID number (`x` → `X`): what is hashed, encrypted and masked. */
export function normaliseIdNumber(id: string): string {
  return id.trim().toUpperCase();
}

/**
 * Keeps `start` leading and `end` trailing characters, but never more than a
 * quarter of the string at each end, so at least half is always hidden.
 */
function maskMiddle(s: string, start: number, end: number): string {
  const chars = [...s];
  const quarter = Math.floor(chars.length / 4);
  const a = Math.min(start, quarter),
    b = Math.min(end, quarter);
  return chars.slice(0, a).join('') + '*'.repeat(chars.length - a - b) + chars.slice(chars.length - b).join('');
}

/**
 * ID numbers (GB 11643-1999, 18 characters with the check digit, `x` shown as
 * `X`; or the old 15 digits) keep the region prefix (4) and the last 4, so the
 * birth date is always hidden: `2301**********123X`, `2301*******1123`.
 * Anything else (a passport number, garbage) keeps at most a quarter at each end.
 * @example maskIdNumber('23010119900101123x') // '2301**********123X'
 */
export function maskIdNumber(id: string): string {
  const s = normaliseIdNumber(id);
  if (/^(\d{17}[\dX]|\d{15})$/.test(s)) return s.slice(0, 4) + '*'.repeat(s.length - 8) + s.slice(-4);
  return maskMiddle(s, 4, 4);
}

const MOBILE = /^(\+86|0086|86)?(1[3-9]\d{9})$/;
// Area codes: 010 and 02x are three digits, every other one four (0xxx).
const LANDLINE = /^\(?(0[12]\d|0[3-9]\d{2})\)?[-\s]?(\d{7,8})(?:\s*(?:-|#|转|ext\.?|x)\s*(\d{1,6}))?$/i;

/**
 * Mobiles keep the first 3 and the last 4 (`138****5678`, a `+86` prefix is
 * kept); landlines keep the area code and the last 4 of the local number
 * (`010-****5678`, `0755-***4567`), an extension is hidden. Anything else keeps
 * at most a quarter at the end.
 * @example maskPhone('13812345678') // '138****5678'
 */
export function maskPhone(phone: string): string {
  const s = phone.trim();
  const mobile = MOBILE.exec(s.replace(/[\s-]/g, ''));
  if (mobile) return `${mobile[1] ? `${mobile[1]} ` : ''}${mobile[2]!.slice(0, 3)}****${mobile[2]!.slice(-4)}`;
  const land = LANDLINE.exec(s);
  if (land) {
    const local = land[2]!;
    return `${land[1]}-${'*'.repeat(local.length - 4)}${local.slice(-4)}${land[3] ? `-${'*'.repeat(land[3].length)}` : ''}`;
  }
  return maskMiddle(s, 0, 4);
}

/**
 * Names keep their first character only: 张三 → 张*, 王小明 → 王**, 欧阳娜娜 → 欧***
 * (a compound surname is treated like any other: only its first character
 * shows); Latin names keep the first letter; one character is hidden entirely.
 */
export function maskName(name: string): string {
  const chars = [...name.normalize('NFC').trim()];
  if (chars.length === 0) return '';
  if (chars.length === 1) return '*';
  return chars[0] + '*'.repeat(chars.length - 1);
}

// Digits not part of a longer digit run: 18-char IDs (with X), 15-digit IDs, 11-digit mobiles
// (with an optional +86/86 in front), landlines written with a dash after the area code.
const ID18 = /(?<![\dA-Za-z])\d{17}[\dXx](?![\dA-Za-z])/g;
const ID15 = /(?<!\d)\d{15}(?!\d)/g;
const PHONE = /(?<![\d+])(?:\+?86)?1[3-9]\d{9}(?!\d)/g;
const LANDLINE_TEXT = /(?<![\d-])0(?:[12]\d|[3-9]\d{2})-\d{7,8}(?![\d-])/g;

/** Masks every ID number, mobile and dashed landline number found in free text (used by the log redactor). */
export function maskPersonalDataInText(text: string): string {
  return text
    .replace(ID18, maskIdNumber)
    .replace(ID15, maskIdNumber)
    .replace(PHONE, (m) => maskPhone(m).replace(' ', ''))
    .replace(LANDLINE_TEXT, maskPhone);
}

/** Keys whose string values are personal wherever they appear in a payload. */
const PERSONAL_KEYS: Record<string, (v: string) => string> = {
  idNumber: maskIdNumber,
  phone: maskPhone,
  mobile: maskPhone,
};
/** Inside an `identity` object (the ticket request's), `name` is the applicant's name too. */
const IDENTITY_KEYS: Record<string, (v: string) => string> = { ...PERSONAL_KEYS, name: maskName };
const MAX_DEPTH = 32;

function maskValue(v: unknown, keys: Record<string, (v: string) => string>, depth: number): unknown {
  if (typeof v === 'string') return maskPersonalDataInText(v);
  if (v === null || typeof v !== 'object' || depth > MAX_DEPTH) return v;
  if (Array.isArray(v)) return v.map((x) => maskValue(x, PERSONAL_KEYS, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v)) {
    const mask = keys[k];
    out[k] =
      mask && typeof x === 'string'
        ? mask(x)
        : maskValue(x, k === 'identity' ? IDENTITY_KEYS : PERSONAL_KEYS, depth + 1);
  }
  return out;
}

/**
 * Masks personal data in a stored payload (dead letters): in JSON the values of
 * `idNumber`, `phone` and an `identity`'s `name`, and ID/phone numbers in every
 * string; text that is not JSON goes through `maskPersonalDataInText`.
 */
export function maskPersonalDataInPayload(text: string): string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return maskPersonalDataInText(text);
  }
  try {
    return maskPersonalDataInText(JSON.stringify(maskValue(parsed, PERSONAL_KEYS, 0)));
  } catch {
    return maskPersonalDataInText(text); // nesting too deep for JSON.stringify
  }
}
