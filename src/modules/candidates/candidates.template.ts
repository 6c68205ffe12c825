/**
 * The import template (`GET /candidates/import/template.xlsx` and `.csv`): the Vietnamese headers the
 * import reads, one example row, drop-down lists (gender, field, JLPT, province, consent), the ID and
 * phone columns formatted as text so Excel keeps their leading zero, and a sheet that explains each
 * column. Every label comes from templates/vocabulary.json.
 */
import ExcelJS from 'exceljs';
import { FIELDS, JLPT_LEVELS } from '../../lib/vocab.ts';
import { type Label, vocab } from '../../pdf/vocabulary.ts';
import type { ReferenceService } from '../reference/reference.service.ts';
import { headerLabel } from './candidates.rows.ts';

interface TemplateVocabulary {
  sheetData: Label;
  sheetHelp: Label;
  sheetLists: Label;
  column: Label;
  required: Label;
  explanation: Label;
  homeProvinceName: Label;
  notes: Record<string, Label>;
}
const labels = () => (vocab() as unknown as { importTemplate: TemplateVocabulary }).importTemplate;
const terms = () => (vocab() as unknown as { exports: { terms: Record<string, Label> } }).exports.terms;

/** Rows of the data sheet that carry the drop-down lists. */
const LIST_ROWS = 500;

interface TemplateColumn {
  key: string;
  header: string;
  required: boolean;
  width: number;
  /** Excel number format: '@' text, a date format. */
  numFmt?: string;
  example: string | Date;
}

function templateColumns(reference: ReferenceService, forAdmin: boolean): TemplateColumn[] {
  const v = vocab();
  const province =
    reference.listProvinces('2025').find((p) => p.code === '01') ?? reference.listProvinces('2025')[0];
  const columns: TemplateColumn[] = [
    { key: 'fullName', header: headerLabel('fullName'), required: true, width: 28, example: 'Nguyễn Văn An' },
    {
      key: 'dateOfBirth',
      header: headerLabel('dateOfBirth'),
      required: true,
      width: 14,
      numFmt: 'dd/mm/yyyy',
      example: new Date(Date.UTC(2001, 4, 17)),
    },
    { key: 'gender', header: headerLabel('gender'), required: true, width: 10, example: v.genders.male!.vi },
    {
      key: 'nationalId',
      header: headerLabel('nationalId'),
      required: true,
      width: 16,
      numFmt: '@',
      example: '001201004567',
    },
    {
      key: 'phone',
      header: headerLabel('phone'),
      required: false,
      width: 15,
      numFmt: '@',
      example: '0912345678',
    },
    {
      key: 'homeProvinceName',
      header: labels().homeProvinceName.vi,
      required: true,
      width: 20,
      example: province?.nameVi ?? '',
    },
    {
      key: 'occupationField',
      header: headerLabel('occupationField'),
      required: true,
      width: 30,
      example: v.fields.construction!.vi,
    },
    { key: 'jlptLevel', header: headerLabel('jlptLevel'), required: false, width: 12, example: 'N4' },
    {
      key: 'consentToShare',
      header: headerLabel('consentToShare'),
      required: true,
      width: 14,
      example: terms().yes!.vi.toLowerCase(),
    },
  ];
  if (forAdmin) {
    columns.push({
      key: 'trainingCenterId',
      header: headerLabel('trainingCenterId'),
      required: false,
      width: 38,
      numFmt: '@',
      example: '',
    });
  }
  return columns;
}

/** The lists the drop-downs offer, by column key. */
function lists(reference: ReferenceService): Record<string, string[]> {
  const v = vocab();
  return {
    gender: [v.genders.male!.vi, v.genders.female!.vi],
    occupationField: FIELDS.map((f) => v.fields[f]?.vi ?? f),
    jlptLevel: [...JLPT_LEVELS],
    homeProvinceName: reference.listProvinces('2025').map((p) => p.nameVi),
    consentToShare: [terms().yes!.vi.toLowerCase(), terms().no!.vi.toLowerCase()],
  };
}

const columnLetter = (n: number) => {
  let s = '';
  for (let i = n; i > 0; i = Math.floor((i - 1) / 26)) s = String.fromCharCode(65 + ((i - 1) % 26)) + s;
  return s;
};

/** The template workbook (admins get the `Trung tâm` column too). */
export async function importTemplateXlsx(reference: ReferenceService, forAdmin: boolean): Promise<Buffer> {
  const l = labels();
  const columns = templateColumns(reference, forAdmin);
  const workbook = new ExcelJS.Workbook();
  workbook.creator = 'Kakehashi';
  const data = workbook.addWorksheet(l.sheetData.vi, { views: [{ state: 'frozen', ySplit: 1 }] });
  const help = workbook.addWorksheet(l.sheetHelp.vi);
  const listSheet = workbook.addWorksheet(l.sheetLists.vi, { state: 'hidden' });

  data.columns = columns.map((c) => ({
    key: c.key,
    header: c.header,
    width: c.width,
    ...(c.numFmt ? { style: { numFmt: c.numFmt } } : {}),
  }));
  data.getRow(1).font = { bold: true };
  data.addRow(Object.fromEntries(columns.map((c) => [c.key, c.example])));

  // The lists, one column each on the hidden sheet, referenced by the drop-downs.
  const byKey = lists(reference);
  Object.entries(byKey).forEach(([key, values], i) => {
    const letter = columnLetter(i + 1);
    listSheet.getCell(`${letter}1`).value = columns.find((c) => c.key === key)?.header ?? key;
    values.forEach((value, j) => {
      listSheet.getCell(`${letter}${j + 2}`).value = value;
    });
    const at = columns.findIndex((c) => c.key === key);
    if (at < 0) return;
    const formula = `'${l.sheetLists.vi}'!$${letter}$2:$${letter}$${values.length + 1}`;
    for (let row = 2; row <= LIST_ROWS + 1; row++) {
      data.getCell(`${columnLetter(at + 1)}${row}`).dataValidation = {
        type: 'list',
        allowBlank: true,
        formulae: [formula],
        showErrorMessage: true,
      };
    }
  });

  help.columns = [
    { header: l.column.vi, key: 'column', width: 22 },
    { header: l.required.vi, key: 'required', width: 10 },
    { header: l.explanation.vi, key: 'explanation', width: 90 },
  ];
  help.getRow(1).font = { bold: true };
  for (const c of columns) {
    help.addRow({
      column: c.header,
      required: c.required ? terms().yes!.vi : terms().no!.vi,
      explanation: l.notes[c.key]?.vi ?? '',
    });
  }
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

/** The same headers and example row as CSV (UTF-8 with BOM, semicolons, as vi-VN Excel opens it). */
export function importTemplateCsv(reference: ReferenceService, forAdmin: boolean): string {
  const columns = templateColumns(reference, forAdmin);
  const quote = (s: string) => (/[;"\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s);
  const cell = (value: string | Date) =>
    value instanceof Date
      ? `${String(value.getUTCDate()).padStart(2, '0')}/${String(value.getUTCMonth() + 1).padStart(2, '0')}/${value.getUTCFullYear()}`
      : value;
  return `\uFEFF${columns.map((c) => quote(c.header)).join(';')}\r\n${columns
    .map((c) => quote(cell(c.example)))
    .join(';')}\r\n`;
}
