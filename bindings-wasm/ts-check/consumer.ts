// A typed consumer of the web package: `tsc --noEmit` must accept it, so the
// generated .d.ts is checked in CI. The @ts-expect-error lines must fail.
import init, {
  validateNik, validateFamily, validateRegionCode, growthZscores, evaluateKrs, screenCatin, kbIndicators, listErrorCodes,
  assessWeighing, monitorVisits, type WeighingAssessment,
  type ErrorCode, type FieldError, type Outcome, type NikInfo, type Family, type ChildAssessment, type KrsResult,
  type Classification, codeLists, type CodeLists, type Person,
} from "kampung";
import { familySchema, type StandardSchemaV1 } from "kampung/standard-schema";

async function main(): Promise<void> {
  await init();
  const lists: CodeLists = codeLists({ locale: "id" });
  const label: string = lists.marital_status[0].label;
  const schema: StandardSchemaV1<unknown, Family> = familySchema({ as_of: new Date(), locale: "en" });
  const checked = schema["~standard"].validate({});
  if (!(checked instanceof Promise) && checked.issues) console.log(checked.issues[0].message, label);
  const recorded = (p: Person): boolean | null => p.marriage_recorded;
  console.log(recorded);
  const nik: Outcome<NikInfo> = validateNik("6472050101850003", { locale: "en", asOf: "2026-01-15" });
  if (nik.status === "valid") {
    const sex: "male" | "female" = nik.value.sex;
    const born: string | null = nik.value.birth_date;
    console.log(sex, born);
  } else {
    const first: FieldError = nik.errors[0];
    const code: ErrorCode = first.code;
    const where: (string | number)[] = first.path;
    console.log(code, where, first.message, first.params);
  }
  validateNik("123"); // options are optional
  const fam: Outcome<Family> = validateFamily({ no_kk: "6472052301150007", members: [] }, { asOf: "2026-01-15" });
  if (fam.status === "valid") console.log(fam.value.members.map((m) => m.relationship));
  const region = validateRegionCode("64.72.05.1001");
  if (region.status === "valid") console.log(region.value.kind === "kelurahan", region.value.parents);

  const child: Outcome<ChildAssessment> = growthZscores(
    { sex: "L", birthDate: "2023-01-01", measuredOn: "2024-10-02", weightKg: "11,38", lengthCm: 78.99, measure: "l" },
    { locale: "id" },
  );
  if (child.status === "valid") {
    const haz: number | null = child.value.zlen;
    const c: Classification = child.value.pb_tb_u;
    if (c.status === "category") console.log(haz, c.code, c.label, c.interval.lower.type);
  }
  const krs: Outcome<KrsResult> = evaluateKrs({ family: {}, housing: {} }, { asOf: "2026-01-15", terlalu_tua: "over_35" });
  if (krs.status === "valid") console.log(krs.value.at_risk, krs.value.risk_factors.map((r) => r.code));
  const catin = screenCatin({ sex: "P" }, { asOf: "2026-01-15" });
  if (catin.status === "valid") console.log(catin.value.category === "berisiko");
  const kb = kbIndicators({ records: [] }, { asOf: "2026-01-15" });
  if (kb.status === "valid") console.log(kb.value.cpr.value ?? "n/a");
  const w: Outcome<WeighingAssessment> = assessWeighing(
    { sex: "L", birthDate: "2023-06-10", previous: [{ date: "2024-01-12", weightKg: 8.1 }], current: { date: "2024-02-12", weightKg: 8.3 } },
    { asOf: "2024-06-30", locale: "en", rules: "legacy_2t" },
  );
  if (w.status === "valid") {
    const code: "N" | "T" | "O" | "B" = w.value.code;
    console.log(code, w.value.gain_g ?? 0, w.value.kbm_g ?? 0, w.value.refer, w.value.message, w.value.velocity[0]?.reason);
  }
  const m = monitorVisits({ children: [], visits: [] }, { month: "2024-03", by: "posyandu_id" });
  if (m.status === "valid") console.log(m.value.visits.length, m.value.skdn?.length);
  assessWeighing({});
  const codes: ErrorCode[] = listErrorCodes();
  console.log(codes.length);

  // @ts-expect-error: "fr" is not a Locale
  validateNik("1", { locale: "fr" });
  // @ts-expect-error: not an error code
  const bad: ErrorCode = "not_a_code";
  console.log(bad);
}

void main();
