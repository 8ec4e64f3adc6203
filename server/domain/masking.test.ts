import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import {
  maskIdNumber,
  maskPhone,
  maskName,
  isValidIdNumber,
  idCheckDigit,
  maskPersonalDataInText,
  maskPersonalDataInPayload,
  normaliseIdNumber,
} from './masking.ts';

describe('ID number masking (DESIGN.md principle 8)', () => {
  it('masks an 18-character ID keeping prefix and the X check digit', () => {
    expect(maskIdNumber('23010119900101123X')).toBe('2301**********123X');
    expect(maskIdNumber('23010119900101123x')).toBe('2301**********123X');
  });
  it('masks a 15-digit ID', () => {
    expect(maskIdNumber('230101900101123')).toBe('2301*******1123');
  });
  it('never leaves the birth date visible', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^\d{17}[\dX]$/), (id) => {
        const m = maskIdNumber(id);
        expect(m).toHaveLength(18);
        expect(m.slice(4, 14)).toBe('*'.repeat(10));
      }),
    );
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

describe('ID numbers: 15 and 18 characters, X check digit', () => {
  it('accepts a lower-case x and shows it as X', () => {
    expect(normaliseIdNumber(' 11010519491231002x ')).toBe('11010519491231002X');
    expect(maskIdNumber('11010519491231002x')).toBe('1101**********002X');
  });
  it('hides the birth date of 15-digit IDs too (digits 7–12)', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^\d{15}$/), (id) => {
        const m = maskIdNumber(id);
        expect(m).toHaveLength(15);
        expect(m.slice(0, 4) + m.slice(-4)).toBe(id.slice(0, 4) + id.slice(-4));
        expect(m.slice(4, 11)).toBe('*'.repeat(7));
      }),
    );
  });
  it('something that is not an ID number keeps at most a quarter at each end', () => {
    expect(maskIdNumber('E12345678')).toBe('E1*****78');
    expect(maskIdNumber('123')).toBe('***');
    expect(maskIdNumber('')).toBe('');
    fc.assert(
      fc.property(fc.string({ maxLength: 40 }), (t) => {
        const m = [...maskIdNumber(t)];
        expect(m.filter((c) => c === '*').length).toBeGreaterThanOrEqual(Math.ceil(m.length / 2));
      }),
    );
  });
});

describe('phone masking', () => {
  it('masks 11-digit mobiles keeping 3 + 4', () => {
    expect(maskPhone('13812345678')).toBe('138****5678');
    expect(maskPhone(' 199 1234 5678 ')).toBe('199****5678');
    expect(maskPhone('+8613812345678')).toBe('+86 138****5678');
    expect(maskPhone('+86 138-1234-5678')).toBe('+86 138****5678');
  });
  it('masks landlines keeping the area code (3 digits for 010/02x, else 4) and the last 4', () => {
    expect(maskPhone('010-12345678')).toBe('010-****5678');
    expect(maskPhone('02112345678')).toBe('021-****5678');
    expect(maskPhone('(0755)1234567')).toBe('0755-***4567');
    expect(maskPhone('0571 87654321')).toBe('0571-****4321');
    expect(maskPhone('010-12345678-806')).toBe('010-****5678-***');
    expect(maskPhone('0755-12345678转1234')).toBe('0755-****5678-****');
  });
  it('anything else keeps at most a quarter at the end; short values are hidden entirely', () => {
    expect(maskPhone('12345678')).toBe('******78');
    expect(maskPhone('123')).toBe('***');
    expect(maskPhone('1234567')).not.toContain('4567');
  });
  it('never shows the middle four digits of a mobile', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^1[3-9]\d{9}$/), (p) => {
        expect(maskPhone(p)).toBe(`${p.slice(0, 3)}****${p.slice(-4)}`);
      }),
    );
  });
});

describe('name masking', () => {
  it('2, 3 and 4+ characters keep only the first', () => {
    expect(maskName('张三')).toBe('张*');
    expect(maskName('王小明')).toBe('王**');
    expect(maskName('欧阳娜娜')).toBe('欧***');
    expect(maskName('司马相如')).toBe('司***');
    expect(maskName('阿卜杜热合曼·买买提')).toBe('阿*********');
  });
  it('one character is hidden entirely; empty stays empty; Latin names keep the first letter', () => {
    expect(maskName('李')).toBe('*');
    expect(maskName('  ')).toBe('');
    expect(maskName('Anna Li')).toBe('A******');
  });
  it('counts characters, not UTF-16 units (rare CJK extension characters)', () => {
    expect(maskName('𠀋三')).toBe('𠀋*');
    fc.assert(
      fc.property(
        fc
          .string({ unit: 'grapheme-composite', minLength: 2, maxLength: 10 })
          .filter((n) => n.trim() === n && n.length > 1),
        (n) => {
          const m = maskName(n);
          expect(m.startsWith([...n.normalize('NFC')][0]!)).toBe(true);
          expect(m.slice([...n.normalize('NFC')][0]!.length)).toMatch(/^\*+$/);
        },
      ),
    );
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

describe('maskPersonalDataInText: more forms', () => {
  it('masks a lower-case x ID, +86 mobiles and dashed landlines', () => {
    expect(maskPersonalDataInText('id 11010519491231002x tel +8613812345678 / 8613812345678 office 010-12345678')).toBe(
      'id 1101**********002X tel +86138****5678 / 86138****5678 office 010-****5678',
    );
  });
  it('masks an ID next to Chinese text', () => {
    expect(maskPersonalDataInText('身份证11010519491231002X号')).toBe('身份证1101**********002X号');
  });
  it('no 18-character ID or 11-digit mobile survives, wherever it sits in random text', () => {
    fc.assert(
      fc.property(
        fc.string({ maxLength: 20 }),
        fc.stringMatching(/^\d{17}[\dXx]$/),
        fc.stringMatching(/^1[3-9]\d{9}$/),
        fc.string({ maxLength: 20 }),
        (a, id, ph, b) => {
          const sep = (t: string) => (/[\dA-Za-z+-]$/.test(t) ? `${t} ` : t);
          const out = maskPersonalDataInText(`${sep(a)}${id} ${ph}${/^[\dA-Za-z]/.test(b) ? ' ' : ''}${b}`);
          expect(out).not.toContain(id);
          expect(out).not.toContain(ph);
        },
      ),
    );
  });
});

describe('maskPersonalDataInPayload (dead letters)', () => {
  it('masks identity fields of a device request, names included, and leaves other names alone', () => {
    const p = JSON.stringify({
      v: 1,
      id: 'x',
      type: 'ticket.request',
      data: {
        itemCode: 'NOPE',
        identity: { method: 'id-card', idNumber: '11010519491231002X', name: '张三', phone: '13812345678' },
      },
      queue: { name: '综合窗口' },
    });
    const out = JSON.parse(maskPersonalDataInPayload(p));
    expect(out.data.identity).toEqual({
      method: 'id-card',
      idNumber: '1101**********002X',
      name: '张*',
      phone: '138****5678',
    });
    expect(out.queue.name).toBe('综合窗口');
  });
  it('masks numbers in text that is not JSON and in malformed identity values', () => {
    expect(maskPersonalDataInPayload('{"identity":{"idNumber":"11010519491231002X",')).toBe(
      '{"identity":{"idNumber":"1101**********002X",',
    );
    expect(JSON.parse(maskPersonalDataInPayload('{"identity":{"idNumber":"E1234567890"}}')).identity.idNumber).toBe(
      'E1*******90',
    );
  });
  it('survives deep nesting', () => {
    const deep = '['.repeat(5000) + '"13812345678"' + ']'.repeat(5000);
    expect(maskPersonalDataInPayload(deep)).not.toContain('13812345678');
  });
});
