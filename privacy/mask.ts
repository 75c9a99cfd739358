/**
 * How a citizen's name and phone number look to staff who may not read them
 * in full: enough to tell two callers apart or confirm one on the phone,
 * not enough to call or find them.
 */

/** 13812345678 → 138****5678; +86 and separators are kept out; a short number keeps its last two digits only. */
export function maskPhone(phone: string): string {
  const digits = phone.replace(/\D/g, '').replace(/^86(?=1\d{10}$)/, '');
  if (digits.length >= 11) return `${digits.slice(0, 3)}****${digits.slice(-4)}`;
  if (digits.length >= 4) return `${'*'.repeat(digits.length - 2)}${digits.slice(-2)}`;
  return '*'.repeat(digits.length);
}

/** 张三 → 张*, 欧阳娜娜 → 欧***: the surname's first character; Latin names keep their first letter. */
export function maskName(name: string): string {
  const characters = [...name.trim()];
  const first = characters[0];
  if (first === undefined) return '';
  return `${first}${'*'.repeat(Math.max(1, characters.length - 1))}`;
}
