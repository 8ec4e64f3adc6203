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

/**
 * Keeps the region prefix (4) and the last 4 (with the check digit), as in `2301**********123X`.
 * @example maskIdNumber('23010119900101123x') // '2301**********123X'
 */
export function maskIdNumber(id: string): string {
  const s = id.trim().toUpperCase();
  if (s.length <= 8) return '*'.repeat(s.length);
  return s.slice(0, 4) + '*'.repeat(s.length - 8) + s.slice(-4);
}

/** @example maskPhone('13812345678') // '138****5678' */
export function maskPhone(phone: string): string {
  const s = phone.trim();
  if (s.length < 7) return '*'.repeat(s.length);
  return s.slice(0, 3) + '*'.repeat(s.length - 7) + s.slice(-4);
}

/** Chinese names keep the surname: 张三 → 张*, 欧阳娜娜 → 欧***; Latin names keep the first letter. */
export function maskName(name: string): string {
  const chars = [...name.trim()];
  if (chars.length === 0) return '';
  if (chars.length === 1) return '*';
  return chars[0] + '*'.repeat(chars.length - 1);
}

// Digits not part of a longer digit run: 18-char IDs (with X), 15-digit IDs, 11-digit mobiles.
const ID18 = /(?<![\dA-Za-z])\d{17}[\dXx](?![\dA-Za-z])/g;
const ID15 = /(?<!\d)\d{15}(?!\d)/g;
const PHONE = /(?<!\d)1[3-9]\d{9}(?!\d)/g;

/** Masks every ID number and mobile number found in free text (used by the log redactor). */
export function maskPersonalDataInText(text: string): string {
  return text.replace(ID18, maskIdNumber).replace(ID15, maskIdNumber).replace(PHONE, maskPhone);
}
