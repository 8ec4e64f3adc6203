import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { maskIdNumber, maskPhone, maskName, isValidIdNumber, idCheckDigit, maskPersonalDataInText } from './masking.ts';

describe('ID number masking (DESIGN.md principle 8)', () => {
  it('masks an 18-character ID keeping prefix and the X check digit', () => {
    expect(maskIdNumber('23010119900101123X')).toBe('2301**********123X');
    expect(maskIdNumber('23010119900101123x')).toBe('2301**********123X');
  });
  it('masks a 15-digit ID', () => {
    expect(maskIdNumber('230101900101123')).toBe('2301*******1123');
  });
  it('never leaves the birth date visible', () => {
    fc.assert(fc.property(fc.stringMatching(/^\d{17}[\dX]$/), (id) => {
      const m = maskIdNumber(id);
      expect(m).toHaveLength(18);
      expect(m.slice(4, 14)).toBe('*'.repeat(10));
    }));
  });
  it('computes and checks the GB 11643 check digit', () => {
    expect(idCheckDigit('11010519491231002')).toBe('X');
    expect(isValidIdNumber('11010519491231002X')).toBe(true);
    expect(isValidIdNumber('11010519491231002x')).toBe(true);
    expect(isValidIdNumber('110105194912310021')).toBe(false);
    expect(isValidIdNumber('110105491231002')).toBe(true);
    expect(isValidIdNumber('12345')).toBe(false);
  });
});

describe('phone and name masking', () => {
  it('masks mobiles', () => expect(maskPhone('13812345678')).toBe('138****5678'));
  it('keeps the surname only', () => {
    expect(maskName('张三')).toBe('张*');
    expect(maskName('欧阳娜娜')).toBe('欧***');
    expect(maskName('李')).toBe('*');
  });
});

describe('maskPersonalDataInText', () => {
  it('masks IDs and phones inside prose and JSON', () => {
    const s = maskPersonalDataInText('{"id":"11010519491231002X","old":"110105491231002","tel":"13812345678","n":12}');
    expect(s).toBe('{"id":"1101**********002X","old":"1101*******1002","tel":"138****5678","n":12}');
  });
  it('leaves longer digit runs alone (timestamps, seq numbers)', () => {
    expect(maskPersonalDataInText('ts 17632534000001234567')).toBe('ts 17632534000001234567');
  });
});
