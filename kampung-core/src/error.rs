//! One error model for every input: a [`FieldError`] names the field by its
//! path, carries a stable machine [`ErrorCode`] and the parameters of its
//! message, and renders that message in Indonesian or English.
//!
//! The shape follows pydantic-core's line errors (see `STYLE.md` §4): all
//! errors of one input are collected in [`ValidationErrors`], never only the
//! first. Messages never contain the value that was typed (a NIK is personal
//! data); the parameters hold only limits, lengths and codes.

use serde::ser::{SerializeMap, SerializeSeq};
use serde::{Serialize, Serializer};
use std::fmt;

/// The language of a rendered message. Indonesian is the default.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Locale {
    /// Bahasa Indonesia (default).
    #[default]
    Id,
    /// English.
    En,
}

impl Locale {
    /// Parses a locale tag: `id`, `id-ID`, `in`, `en`, `en-US`, … (case-insensitive).
    ///
    /// # Errors
    /// `unknown_locale` when the tag is neither Indonesian nor English.
    pub fn parse(tag: &str) -> Result<Locale, FieldError> {
        let lower = tag.trim().to_ascii_lowercase();
        let primary = lower.split(['-', '_']).next().unwrap_or("");
        match primary {
            "id" | "in" | "ind" => Ok(Locale::Id),
            "en" | "eng" => Ok(Locale::En),
            _ => {
                Err(FieldError::new(ErrorCode::UnknownLocale).with_path(FieldPath::field("locale")))
            }
        }
    }

    /// The tag as written in options (`"id"` or `"en"`).
    pub const fn as_str(self) -> &'static str {
        match self {
            Locale::Id => "id",
            Locale::En => "en",
        }
    }
}

macro_rules! error_codes {
    ($( $(#[$doc:meta])* $variant:ident = $code:literal { id: $id:literal, en: $en:literal } )*) => {
        /// A stable, snake_case machine code for one kind of problem.
        ///
        /// Codes are never renamed or reused; new problems get new codes.
        /// [`ErrorCode::ALL`] is the registry of every code.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[non_exhaustive]
        pub enum ErrorCode {
            $( $(#[$doc])* $variant, )*
        }

        impl ErrorCode {
            /// Every code, in declaration order.
            pub const ALL: &'static [ErrorCode] = &[ $( ErrorCode::$variant, )* ];

            /// The stable snake_case code, e.g. `"date_in_future"`.
            pub const fn as_str(self) -> &'static str {
                match self { $( ErrorCode::$variant => $code, )* }
            }

            /// The message template in `locale`, with `{param}` placeholders.
            pub const fn template(self, locale: Locale) -> &'static str {
                match locale {
                    Locale::Id => match self { $( ErrorCode::$variant => $id, )* },
                    Locale::En => match self { $( ErrorCode::$variant => $en, )* },
                }
            }
        }
    };
}

error_codes! {
    // ---- generic input problems -------------------------------------------
    /// A required value is missing or empty.
    Required = "required" { id: "Wajib diisi.", en: "This field is required." }
    /// A value has the wrong type (e.g. a number where an object is expected).
    InvalidType = "invalid_type" { id: "Jenis nilai salah: seharusnya {expected}.", en: "Wrong type of value: expected {expected}." }
    /// A date is not a real calendar date in `YYYY-MM-DD` form.
    InvalidDate = "invalid_date" { id: "Tanggal tidak valid; gunakan format TTTT-BB-HH (contoh 2020-02-29).", en: "Not a valid date; use the form YYYY-MM-DD (e.g. 2020-02-29)." }
    /// A date lies after the reference date `as_of`.
    DateInFuture = "date_in_future" { id: "Tanggal tidak boleh setelah tanggal acuan {as_of}.", en: "The date must not be after the reference date {as_of}." }
    /// The locale tag is neither Indonesian nor English.
    UnknownLocale = "unknown_locale" { id: "Bahasa tidak dikenal; gunakan \"id\" atau \"en\".", en: "Unknown language; use \"id\" or \"en\"." }
    /// A number is NaN or infinite.
    NotFinite = "not_finite" { id: "Angka tidak valid (NaN atau tak hingga).", en: "Not a valid number (NaN or infinite)." }
    /// A number is outside its allowed range.
    OutOfRange = "out_of_range" { id: "Nilai harus antara {min} dan {max}.", en: "The value must be between {min} and {max}." }
    /// A number must be greater than zero.
    NotPositive = "not_positive" { id: "Nilai harus lebih dari 0.", en: "The value must be greater than 0." }
    /// A code is not one of the allowed values.
    InvalidCode = "invalid_code" { id: "Kode tidak dikenal; pilihan: {allowed}.", en: "Unknown code; allowed: {allowed}." }

    // ---- NIK (DOMAIN.md §7.1) ---------------------------------------------
    /// A NIK must have exactly 16 characters.
    NikLength = "nik_length" { id: "NIK harus 16 angka (tertulis {length}).", en: "A NIK must have 16 digits (got {length})." }
    /// A NIK must contain only the digits 0-9.
    NikNotDigits = "nik_not_digits" { id: "NIK hanya boleh berisi angka 0-9.", en: "A NIK may contain only the digits 0-9." }
    /// The first two digits are not a province code.
    NikProvinceUnknown = "nik_province_unknown" { id: "Kode provinsi {province} pada NIK tidak dikenal.", en: "Province code {province} in the NIK is unknown." }
    /// Digits 3-4 are not a kabupaten (01-69) or kota (71-99) code.
    NikKabKotaInvalid = "nik_kabkota_invalid" { id: "Kode kabupaten/kota pada NIK harus 01-69 atau 71-99.", en: "The regency/city code in the NIK must be 01-69 or 71-99." }
    /// Digits 7-8 are not a day of birth (01-31 men, 41-71 women).
    NikBirthDayInvalid = "nik_birth_day_invalid" { id: "Tanggal lahir pada NIK harus 01-31 (laki-laki) atau 41-71 (perempuan).", en: "The day of birth in the NIK must be 01-31 (male) or 41-71 (female)." }
    /// Digits 9-10 are not a month 01-12.
    NikBirthMonthInvalid = "nik_birth_month_invalid" { id: "Bulan lahir pada NIK harus 01-12.", en: "The month of birth in the NIK must be 01-12." }
    /// Digits 7-12 are not a real calendar date.
    NikBirthDateInvalid = "nik_birth_date_invalid" { id: "Tanggal lahir pada NIK bukan tanggal yang ada di kalender.", en: "The date of birth in the NIK is not a real calendar date." }
    /// The serial number (digits 13-16) is 0000.
    NikSerialZero = "nik_serial_zero" { id: "Nomor urut NIK (4 angka terakhir) tidak boleh 0000.", en: "The NIK serial number (last 4 digits) must not be 0000." }
    /// The sex encoded in the NIK differs from the stated sex.
    NikSexMismatch = "nik_sex_mismatch" { id: "Jenis kelamin tidak sesuai dengan NIK.", en: "The sex does not match the NIK." }
    /// The date of birth encoded in the NIK differs from the stated date.
    NikBirthDateMismatch = "nik_birth_date_mismatch" { id: "Tanggal lahir tidak sesuai dengan NIK.", en: "The date of birth does not match the NIK." }
    /// The same NIK appears twice in one family.
    DuplicateNik = "duplicate_nik" { id: "NIK ini sudah dipakai anggota keluarga lain (nomor {other}).", en: "This NIK is already used by another family member (number {other})." }

    // ---- Nomor KK (DOMAIN.md §7.2) ----------------------------------------
    /// A Nomor KK must have exactly 16 characters.
    KkLength = "kk_length" { id: "Nomor KK harus 16 angka (tertulis {length}).", en: "A family card number must have 16 digits (got {length})." }
    /// A Nomor KK must contain only digits.
    KkNotDigits = "kk_not_digits" { id: "Nomor KK hanya boleh berisi angka 0-9.", en: "A family card number may contain only the digits 0-9." }
    /// The first two digits are not a province code.
    KkProvinceUnknown = "kk_province_unknown" { id: "Kode provinsi {province} pada Nomor KK tidak dikenal.", en: "Province code {province} in the family card number is unknown." }
    /// Digits 3-4 are not a kabupaten/kota code.
    KkKabKotaInvalid = "kk_kabkota_invalid" { id: "Kode kabupaten/kota pada Nomor KK harus 01-69 atau 71-99.", en: "The regency/city code in the family card number must be 01-69 or 71-99." }

    // ---- Kode wilayah (DOMAIN.md §7.3-7.4) --------------------------------
    /// A region code must have 2, 4, 6 or 10 digits.
    WilayahLength = "wilayah_length" { id: "Kode wilayah harus 2, 4, 6 atau 10 angka (tertulis {length}).", en: "A region code must have 2, 4, 6 or 10 digits (got {length})." }
    /// A region code has characters other than digits and dots, or misplaced dots.
    WilayahFormat = "wilayah_format" { id: "Kode wilayah hanya berisi angka, boleh dengan titik (contoh 64.72.05.1001).", en: "A region code has only digits, optionally with dots (e.g. 64.72.05.1001)." }
    /// The province part is not one of the 38 province codes.
    WilayahProvinceUnknown = "wilayah_province_unknown" { id: "Kode provinsi {province} tidak dikenal.", en: "Province code {province} is unknown." }
    /// The kabupaten/kota part is not 01-69 or 71-99.
    WilayahKabKotaInvalid = "wilayah_kabkota_invalid" { id: "Kode kabupaten/kota harus 01-69 atau 71-99.", en: "The regency/city code must be 01-69 or 71-99." }
    /// The kecamatan part is 00.
    WilayahKecamatanInvalid = "wilayah_kecamatan_invalid" { id: "Kode kecamatan tidak boleh 00.", en: "The district code must not be 00." }
    /// The desa/kelurahan part does not start with 1, 2 or 3.
    WilayahDesaInvalid = "wilayah_desa_invalid" { id: "Kode desa/kelurahan harus diawali 1 (kelurahan), 2 (desa) atau 3 (desa adat).", en: "The village code must start with 1 (kelurahan), 2 (desa) or 3 (desa adat)." }

    // ---- persons and families ---------------------------------------------
    /// Sex is not one of the accepted codes.
    SexInvalid = "sex_invalid" { id: "Jenis kelamin tidak dikenal; gunakan L/P, 1/2 atau m/f.", en: "Unknown sex; use L/P, 1/2 or m/f." }
    /// Relationship to the head is not a Dukcapil SHDK code.
    RelationshipInvalid = "relationship_invalid" { id: "Hubungan dalam keluarga tidak dikenal; gunakan kode SHDK 1-11.", en: "Unknown relationship to the head; use SHDK code 1-11." }
    /// Marital status is not one of the accepted codes.
    MaritalStatusInvalid = "marital_status_invalid" { id: "Status perkawinan tidak dikenal; gunakan belum kawin, kawin tercatat, kawin belum tercatat, kawin, cerai hidup, cerai mati (atau kode 1-4).", en: "Unknown marital status; use belum kawin, kawin tercatat, kawin belum tercatat, kawin, cerai hidup, cerai mati (or code 1-4)." }
    /// A family has no members.
    FamilyNoMembers = "family_no_members" { id: "Keluarga harus memiliki minimal satu anggota.", en: "A family must have at least one member." }
    /// A family has no head (kepala keluarga).
    FamilyNoHead = "family_no_head" { id: "Keluarga harus memiliki tepat satu kepala keluarga (tidak ada).", en: "A family must have exactly one head (none found)." }
    /// A family has more than one head.
    FamilyMultipleHeads = "family_multiple_heads" { id: "Keluarga hanya boleh memiliki satu kepala keluarga (ada {count}).", en: "A family may have only one head ({count} found)." }
    /// A husband or wife is listed but the head is not married.
    SpouseWithoutMarriedHead = "spouse_without_married_head" { id: "Suami/istri hanya boleh ada jika kepala keluarga berstatus kawin.", en: "A husband or wife may be listed only if the head is married." }
    /// A spouse of the head is not married.
    SpouseNotMarried = "spouse_not_married" { id: "Suami/istri kepala keluarga harus berstatus kawin.", en: "The head's husband or wife must have marital status married." }
    /// A husband is listed for a male head, or a wife for a female head.
    SpouseSexMismatch = "spouse_sex_mismatch" { id: "Hubungan suami/istri tidak sesuai dengan jenis kelamin.", en: "The husband/wife relationship does not match the sex." }
    /// A child is not younger than a parent by at least the minimum gap.
    ParentChildAgeGap = "parent_child_age_gap" { id: "Selisih umur anak dan orang tua ({gap_years} tahun) kurang dari {min_years} tahun.", en: "The age gap between child and parent ({gap_years} years) is less than {min_years} years." }

    // ---- kb / risk (DOMAIN.md §1, §2, §4) ----
    /// A contraceptive method is recorded for an acceptor of the other sex (MOP for a woman, MOW for a man).
    KbMethodSexMismatch = "kb_method_sex_mismatch" { id: "Metode KB {method} tidak sesuai dengan jenis kelamin pemakainya.", en: "The contraceptive method {method} does not fit the sex of its user." }
    /// A reason for not using KB is given for a record that uses a method.
    KbReasonWithMethod = "kb_reason_with_method" { id: "Alasan tidak ber-KB hanya diisi jika tidak memakai metode KB.", en: "A reason for not using contraception may be given only when no method is used." }
    /// The reason "hamil" is given for a record that is not pregnant (or the reverse).
    KbReasonPregnantMismatch = "kb_reason_pregnant_mismatch" { id: "Alasan \"hamil\" tidak sesuai dengan status kehamilan.", en: "The reason \"pregnant\" does not match the pregnancy status." }
    /// Users plus non-users do not add up to the number of PUS (Kampung KB portal `sum_equal`).
    KbCountsMismatch = "kb_counts_mismatch" { id: "Jumlah peserta KB ({users}) ditambah PUS tidak ber-KB ({non_users}) harus sama dengan jumlah PUS ({pus}).", en: "Contraceptive users ({users}) plus non-users ({non_users}) must equal the number of PUS ({pus})." }
    /// Unmet-need (DHS) inputs are given for some records but not for this one.
    KbDhsInputsPartial = "kb_dhs_inputs_partial" { id: "Data kebutuhan ber-KB (dhs) harus diisi untuk semua catatan atau tidak sama sekali.", en: "Unmet-need inputs (dhs) must be given for every record or for none." }
    /// A wife-specific field is given but the family has no wife.
    KrsWifeFieldWithoutWife = "krs_wife_field_without_wife" { id: "Data istri diisi, tetapi keluarga ini tidak memiliki istri (pasangan kepala keluarga yang berstatus kawin).", en: "Wife data is given but this family has no wife (married spouse of the head)." }
    /// A septic tank is recorded for a family with no latrine.
    KrsSepticWithoutLatrine = "krs_septic_without_latrine" { id: "Tangki septik tidak mungkin ada jika keluarga tidak memiliki jamban.", en: "A septic tank cannot be recorded when the family has no latrine." }
    /// A man is recorded as pregnant.
    ScreeningPregnantMale = "screening_pregnant_male" { id: "Ibu hamil harus berjenis kelamin perempuan.", en: "A pregnant person must be recorded as female." }
    /// A last birth date is given although the parity is 0.
    ScreeningLastBirthWithoutParity = "screening_last_birth_without_parity" { id: "Tanggal persalinan terakhir diisi, tetapi jumlah anak lahir hidup 0.", en: "A last birth date is given but the number of live births is 0." }

    // ---- growth (WHO_GROWTH.md) ----
    /// An age is negative (WHO anthro stops the whole call; kampung rejects the row).
    AgeNegative = "age_negative" { id: "Umur tidak boleh negatif.", en: "The age must not be negative." }
    /// An age lies outside the range of the WHO standard or reference used.
    AgeOutsideStandard = "age_outside_standard" { id: "Umur di luar rentang standar WHO ({min}-{max} bulan); z-score tidak dihitung.", en: "The age is outside the range of the WHO standard ({min}-{max} months); no z-score is computed." }
    /// The measurement date is before the date of birth.
    MeasuredBeforeBirth = "measured_before_birth" { id: "Tanggal pengukuran tidak boleh sebelum tanggal lahir.", en: "The measurement date must not be before the date of birth." }
    /// The measuring position is not `l` (lying, length) or `h` (standing, height).
    MeasureInvalid = "measure_invalid" { id: "Cara ukur tidak dikenal; gunakan l (berbaring/panjang badan) atau h (berdiri/tinggi badan).", en: "Unknown measuring position; use l (lying, length) or h (standing, height)." }
    /// Oedema is not one of y, n, 1, 2 (or empty).
    OedemaInvalid = "oedema_invalid" { id: "Nilai edema tidak dikenal; gunakan y/n atau 1/2.", en: "Unknown oedema value; use y/n or 1/2." }
    /// A WHO LMS table supplied at run time cannot be read.
    LmsTableInvalid = "lms_table_invalid" { id: "Tabel LMS WHO tidak dapat dibaca (baris {line}).", en: "The WHO LMS table cannot be read (line {line})." }
    /// A measurement was given for an indicator whose WHO table is not bundled and was not supplied.
    LmsTableMissing = "lms_table_missing" { id: "Tabel WHO {table} tidak tersedia; muat tabelnya terlebih dahulu.", en: "The WHO table {table} is not available; load it first." }

    // ---- register / report (DOMAIN.md §5, §8) ----
    /// A line of a register file is not valid JSON (or a CSV row cannot be read).
    RegisterMalformedLine = "register_malformed_line" { id: "Baris tidak dapat dibaca: {reason}.", en: "The line cannot be read: {reason}." }
    /// The same Nomor KK appears in an earlier line of the register.
    RegisterDuplicateKk = "register_duplicate_kk" { id: "Nomor KK ini sudah ada di baris {line}.", en: "This family card number already appears on line {line}." }
    /// A NIK is already used by a member of an earlier family of the register.
    RegisterDuplicateNik = "register_duplicate_nik" { id: "NIK ini sudah dipakai anggota keluarga lain dalam register.", en: "This NIK is already used by a member of another family in the register." }
    /// A row (member, measurement) refers to a Nomor KK with no family row.
    RegisterFamilyMissing = "register_family_missing" { id: "Tidak ada keluarga dengan Nomor KK ini.", en: "No family has this family card number." }
    /// A measurement refers to a person who is not a member of the family.
    RegisterMemberUnknown = "register_member_unknown" { id: "Pengukuran merujuk ke anggota yang tidak ada dalam keluarga ini.", en: "The measurement refers to a person who is not a member of this family." }
    /// A PUS family has no KB status.
    RegisterKbMissing = "register_kb_missing" { id: "Keluarga PUS harus memiliki status KB (kb.method).", en: "A PUS family must have a KB status (kb.method)." }
    /// A Kampung KB profile count is larger than the count it is part of.
    KampungCountExceeds = "kampung_count_exceeds" { id: "Nilai ini ({value}) tidak boleh lebih dari {limit} ({other}).", en: "This value ({value}) must not exceed {limit} ({other})." }
    /// No longer produced: entity tables are read in any row order (kept
    /// because codes are never removed).
    RegisterUnsorted = "register_unsorted" { id: "Baris ini tidak berurutan menurut no_kk (sesudah baris {line}); keluarganya sudah diproses tanpa baris ini.", en: "This row is out of no_kk order (after line {line}); its family was already processed without it." }

    // ---- register engine (issue 14: one pipeline for every surface) ----
    /// A line of a JSON Lines register is longer than the limit; it was skipped.
    RegisterLineTooLong = "register_line_too_long" { id: "Baris terlalu panjang (lebih dari {max} byte) dan dilewati.", en: "The line is too long (more than {max} bytes) and was skipped." }
    // ---- domain rulings and input frictions (DOMAIN.md §9, issue 16) ----
    /// A key of a structured input is not one kampung reads (a misspelling such as `dhs.desir`); DOMAIN.md §9.5.
    UnknownField = "unknown_field" { id: "Isian {key} tidak dikenal; periksa ejaannya. Isian yang dikenal: {allowed}.", en: "Unknown field {key}; check its spelling. Known fields: {allowed}." }
    /// A record is pregnant and names a current contraceptive method (DOMAIN.md §9.4).
    KbMethodWhilePregnant = "kb_method_while_pregnant" { id: "Ibu hamil tidak dicatat sebagai pemakai metode KB; isi metode \"none\" dengan alasan \"hamil\" (atau pilih opsi kegagalan KB).", en: "A pregnant woman is not recorded as using a method; record method \"none\" with reason \"pregnant\" (or choose the method-failure option)." }
    /// An identifier (NIK, Nomor KK, region code) arrived as a decimal number, which cannot hold 16 digits exactly.
    IdentifierIsFloat = "identifier_is_float" { id: "Nomor identitas terbaca sebagai angka desimal sehingga digitnya bisa berubah; baca file dengan kolom ini sebagai teks (pandas: dtype=str; polars: infer_schema=False).", en: "The identifier was read as a decimal number, which can change its digits; read the file with this column as text (pandas: dtype=str; polars: infer_schema=False)." }
    /// Two ways of stating the pregnancy's dates disagree (HPHT, gestational age, expected delivery).
    ScreeningPregnancyDatesMismatch = "screening_pregnancy_dates_mismatch" { id: "HPHT, umur kehamilan dan taksiran persalinan tidak saling sesuai.", en: "The last menstrual period, the gestational age and the expected delivery date do not agree." }
    /// A value of a WHO LMS table supplied at run time cannot be read (the column is named).
    LmsTableColumn = "lms_table_column" { id: "Tabel LMS WHO: kolom {column} pada baris {line} tidak dapat dibaca.", en: "WHO LMS table: column {column} on line {line} cannot be read." }

    // ---- growth monitoring over time (MONITORING.md §4; issue 13) ----
    /// A visit names a child id that is not in the children table.
    VisitUnknownChild = "visit_unknown_child" { id: "Tidak ada anak dengan child_id ini dalam daftar anak.", en: "No child with this child_id is in the children table." }
    /// A visit is dated before the child's date of birth.
    VisitBeforeBirth = "visit_before_birth" { id: "Tanggal kunjungan tidak boleh sebelum tanggal lahir anak.", en: "The visit date must not be before the child's date of birth." }
    /// Two visits of one child on one date with different values.
    DuplicateVisitSameDate = "duplicate_visit_same_date" { id: "Ada dua kunjungan anak ini pada tanggal yang sama dengan nilai berbeda; keduanya tidak dipakai.", en: "This child has two visits on the same date with different values; neither is used." }
    /// A child's sex or date of birth differs between records.
    SexOrBirthDateChanged = "sex_or_birth_date_changed" { id: "Jenis kelamin atau tanggal lahir anak ini berbeda antar catatan.", en: "This child's sex or date of birth differs between records." }
    /// The weight changed implausibly since the previous weighing.
    WeightChangeImplausible = "weight_change_implausible" { id: "Perubahan berat badan sejak penimbangan sebelumnya tidak masuk akal ({rule}).", en: "The weight change since the previous weighing is implausible ({rule})." }
    /// The length/height changed implausibly since the previous measurement.
    LengthChangeImplausible = "length_change_implausible" { id: "Perubahan panjang/tinggi badan sejak pengukuran sebelumnya tidak masuk akal ({rule}).", en: "The length/height change since the previous measurement is implausible ({rule})." }
    /// The head circumference fell by more than the allowed amount.
    HeadcChangeImplausible = "headc_change_implausible" { id: "Lingkar kepala turun lebih dari {max_cm} cm sejak pengukuran sebelumnya.", en: "The head circumference fell by more than {max_cm} cm since the previous measurement." }
    /// Several weighings in one calendar month under `month_policy = error`.
    SeveralWeighingsInMonth = "several_weighings_in_month" { id: "Ada lebih dari satu penimbangan dalam bulan yang sama.", en: "There is more than one weighing in the same month." }
    /// The current weighing is dated on or before an earlier weighing.
    VisitOutOfOrder = "visit_out_of_order" { id: "Tanggal penimbangan ini harus sesudah penimbangan sebelumnya.", en: "This weighing must be dated after the earlier weighings." }
    /// The weight-for-age z-score is flagged by WHO as implausible.
    WeightImplausibleForAge = "weight_implausible_for_age" { id: "Berat badan tidak masuk akal untuk umur ini (z-score BB/U di luar -6 sampai +5).", en: "The weight is implausible for this age (weight-for-age z-score outside -6 to +5)." }
    /// A month is not written as `YYYY-MM`.
    InvalidMonth = "invalid_month" { id: "Bulan tidak valid; gunakan format TTTT-BB (contoh 2024-03).", en: "Not a valid month; use the form YYYY-MM (e.g. 2024-03)." }
    // ---- survey estimation and growth prevalence (issue 11; SURVEY.md) ----
    /// A sampling weight is negative, infinite or missing where the design needs one.
    SurveyWeightInvalid = "survey_weight_invalid" { id: "Bobot sampel harus berupa angka 0 atau lebih.", en: "A sampling weight must be a number of 0 or more." }
    /// A PSU (cluster) or stratum identifier is missing.
    SurveyIdMissing = "survey_id_missing" { id: "Kode PSU/klaster atau strata tidak boleh kosong.", en: "A PSU (cluster) or stratum identifier must not be missing." }
    /// The same PSU identifier appears in more than one stratum and the design is not nested.
    SurveyPsuNotNested = "survey_psu_not_nested" { id: "Kode PSU ini muncul di lebih dari satu strata; gunakan opsi nest (kode PSU unik hanya di dalam strata).", en: "This PSU identifier appears in more than one stratum; use the nest option (PSU ids unique only within a stratum)." }
    /// A stratum has a single PSU and the lonely-PSU option is `fail`.
    SurveyLonelyPsu = "survey_lonely_psu" { id: "Strata ini hanya memiliki satu PSU; variansnya tidak dapat dihitung dengan opsi lonely_psu = fail.", en: "This stratum has only one PSU; its variance cannot be computed with lonely_psu = fail." }
    /// A survey design or an estimate has no records.
    SurveyEmpty = "survey_empty" { id: "Tidak ada data untuk dianalisis.", en: "There are no records to analyse." }
    /// A proportion's variable has a value other than 0 and 1.
    SurveyNotBinary = "survey_not_binary" { id: "Nilai untuk proporsi harus 0 atau 1.", en: "A value for a proportion must be 0 or 1." }
    /// More problems of the same kind were found than are listed.
    ErrorsTruncated = "errors_truncated" { id: "Masih ada {count} masalah lain yang tidak ditampilkan.", en: "{count} more problems are not listed." }
    /// A row is left out of the prevalence because its age is above 1,826 days (WHO anthro).
    PrevalenceAgeExcluded = "prevalence_age_excluded" { id: "Anak berumur lebih dari 1826 hari tidak ikut dihitung dalam prevalensi.", en: "A child older than 1,826 days is left out of the prevalence." }
    /// A row is left out of the prevalence because its cluster or stratum is missing (WHO anthro).
    PrevalenceDesignMissing = "prevalence_design_missing" { id: "Baris tanpa kode klaster atau strata tidak ikut dihitung dalam prevalensi.", en: "A row without a cluster or stratum is left out of the prevalence." }
    /// A missing sampling weight is set to 0, which leaves the child out of the weighted estimates (WHO anthro).
    PrevalenceWeightMissing = "prevalence_weight_missing" { id: "Bobot sampel kosong dianggap 0, sehingga anak ini tidak ikut dalam estimasi berbobot.", en: "A missing sampling weight is set to 0, which leaves this child out of the weighted estimates." }
    /// A wealth quintile is not 1-5 or Q1-Q5 and is treated as missing (WHO anthro).
    PrevalenceWealthqInvalid = "prevalence_wealthq_invalid" { id: "Kuintil kekayaan harus 1-5 atau Q1-Q5; nilai lain dianggap kosong.", en: "A wealth quintile must be 1-5 or Q1-Q5; other values are treated as missing." }
    /// A row is left out of the prevalence because an input code (sex, measure, oedema) or its age is invalid.
    PrevalenceRowExcluded = "prevalence_row_excluded" { id: "Baris ini tidak ikut dihitung dalam prevalensi karena datanya tidak valid.", en: "This row is left out of the prevalence because its data are invalid." }
    // ---- survey design of the village report (issue 11 point 6; report::design) ----
    /// A family has no sampling weight in the field the report's survey design names.
    ReportWeightMissing = "report_weight_missing" { id: "Keluarga ini tidak memiliki bobot sampel di kolom desain survei.", en: "This family has no sampling weight in the survey design's field." }
    /// A family's sampling weight is not a number of 0 or more (negative, not a number, infinite).
    ReportWeightInvalid = "report_weight_invalid" { id: "Bobot sampel keluarga harus berupa angka 0 atau lebih.", en: "A family's sampling weight must be a number of 0 or more." }
    /// A family has no cluster (PSU) identifier in the field the report's survey design names.
    ReportClusterMissing = "report_cluster_missing" { id: "Keluarga ini tidak memiliki kode klaster (PSU) di kolom desain survei.", en: "This family has no cluster (PSU) identifier in the survey design's field." }
    /// A family has no stratum identifier in the field the report's survey design names.
    ReportStratumMissing = "report_stratum_missing" { id: "Keluarga ini tidak memiliki kode strata di kolom desain survei.", en: "This family has no stratum identifier in the survey design's field." }
    // ---- region gazetteer (issue 14 §5; id::gazetteer) ----
    /// A well-formed region code is not in the gazetteer (the opt-in existence check).
    WilayahNotInGazetteer = "wilayah_not_in_gazetteer" { id: "Kode wilayah {missing} tidak ada dalam daftar wilayah ({regulation}).", en: "Region code {missing} is not in the list of regions ({regulation})." }
    /// A gazetteer file supplied at run time cannot be read.
    GazetteerInvalid = "gazetteer_invalid" { id: "Berkas daftar wilayah tidak dapat dibaca: {reason}.", en: "The gazetteer file cannot be read: {reason}." }
    /// Region names were asked for before a gazetteer was loaded.
    GazetteerMissing = "gazetteer_missing" { id: "Daftar wilayah belum dimuat; muat berkasnya terlebih dahulu.", en: "The gazetteer is not loaded; load its file first." }

    // ---- pseudonymisation (issue 15 point 10: kampung_core::pseudonym) ----
    /// Text that starts like a pseudonym (`P1…`) but is not one of the expected kind.
    PseudonymInvalid = "pseudonym_invalid" { id: "Pseudonim tidak sah (diharapkan {expected}).", en: "Invalid pseudonym (expected {expected})." }
    /// The pseudonym of an identifier that did not validate before pseudonymisation.
    PseudonymOfInvalidId = "pseudonym_of_invalid_id" { id: "Nomor asli dari pseudonim ini tidak sah atau tidak sesuai dengan data anggota.", en: "The number behind this pseudonym was invalid or disagreed with the member's data." }
    /// A pseudonymisation key shorter than the minimum.
    PseudonymKeyTooShort = "pseudonym_key_too_short" { id: "Kunci pseudonim terlalu pendek ({length} byte; minimal {min}).", en: "The pseudonymisation key is too short ({length} bytes; at least {min})." }

    // ---- typed table files: Parquet input (issue 12 point 3; kb::dhs::dhs_parquet) ----
    /// A Parquet file cannot be read (not Parquet, truncated, corrupt, or a compression this build lacks).
    ParquetUnreadable = "parquet_unreadable" { id: "Berkas Parquet tidak dapat dibaca: {reason}.", en: "The Parquet file cannot be read: {reason}." }
    /// A column that must hold numeric codes holds text that is not a number (value labels exported instead of codes).
    ColumnNotNumeric = "column_not_numeric" { id: "Kolom {column} berisi teks ({value}), bukan kode angka; ekspor kodenya, bukan label nilai (pandas.read_stata(..., convert_categoricals=False)).", en: "Column {column} holds text ({value}), not numeric codes; export the codes, not the value labels (pandas.read_stata(..., convert_categoricals=False))." }
    /// A column of a typed table (Arrow, Parquet) has a type that cannot hold its values.
    ColumnTypeInvalid = "column_type_invalid" { id: "Kolom {column} berjenis {found}; seharusnya {expected}.", en: "Column {column} has type {found}; expected {expected}." }
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for ErrorCode {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

/// One segment of a [`FieldPath`]: a field name or an index in a list.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum PathSegment {
    /// A field name, as the key in the input object (snake_case).
    Field(&'static str),
    /// A position in a list, counted from 0.
    Index(u32),
    /// A key of the input that kampung does not know (an `unknown_field`
    /// error points at it), kept as written.
    Key(String),
}

/// Where a problem is: `members[2].birth_date` is
/// `[Field("members"), Index(2), Field("birth_date")]`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct FieldPath(Vec<PathSegment>);

impl FieldPath {
    /// The empty path (the input as a whole).
    pub const fn root() -> FieldPath {
        FieldPath(Vec::new())
    }
    /// A path of one field name.
    pub fn field(name: &'static str) -> FieldPath {
        FieldPath(vec![PathSegment::Field(name)])
    }
    /// The segments, outermost first.
    pub fn segments(&self) -> &[PathSegment] {
        &self.0
    }
    /// Puts `segment` in front (the error bubbles up to a parent).
    pub fn push_outer(&mut self, segment: PathSegment) {
        self.0.insert(0, segment);
    }
    /// Appends `segment` at the end.
    pub fn push(&mut self, segment: PathSegment) {
        self.0.push(segment);
    }
    /// The path in the dotted form form libraries use (react-hook-form,
    /// TanStack Form, VeeValidate, Standard Schema issue paths joined by
    /// dots): `members.2.birth_date` where [`Display`](fmt::Display) gives
    /// `members[2].birth_date`.
    pub fn dotted(&self) -> String {
        let mut out = String::new();
        for (i, seg) in self.0.iter().enumerate() {
            if i > 0 {
                out.push('.');
            }
            match seg {
                PathSegment::Field(name) => out.push_str(name),
                PathSegment::Key(name) => out.push_str(name),
                PathSegment::Index(n) => out.push_str(&n.to_string()),
            }
        }
        out
    }
}

impl fmt::Display for FieldPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, seg) in self.0.iter().enumerate() {
            match seg {
                PathSegment::Field(name) if i == 0 => f.write_str(name)?,
                PathSegment::Key(name) if i == 0 => f.write_str(name)?,
                PathSegment::Field(name) => write!(f, ".{name}")?,
                PathSegment::Key(name) => write!(f, ".{name}")?,
                PathSegment::Index(n) => write!(f, "[{n}]")?,
            }
        }
        Ok(())
    }
}

impl Serialize for FieldPath {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut seq = s.serialize_seq(Some(self.0.len()))?;
        for seg in &self.0 {
            match seg {
                PathSegment::Field(name) => seq.serialize_element(name)?,
                PathSegment::Key(name) => seq.serialize_element(name)?,
                PathSegment::Index(n) => seq.serialize_element(n)?,
            }
        }
        seq.end()
    }
}

/// A value filling a `{placeholder}` of a message template.
#[derive(Clone, Debug, PartialEq)]
pub enum ParamValue {
    /// A whole number.
    Int(i64),
    /// A decimal number (written with a decimal comma in Indonesian).
    Float(f64),
    /// A short text such as a code or a date. Never personal data.
    Str(String),
}

impl ParamValue {
    fn render(&self, locale: Locale) -> String {
        match self {
            ParamValue::Int(n) => n.to_string(),
            ParamValue::Float(x) => {
                let s = x.to_string();
                match locale {
                    Locale::Id => s.replace('.', ","),
                    Locale::En => s,
                }
            }
            ParamValue::Str(s) => s.clone(),
        }
    }
}

impl Serialize for ParamValue {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            ParamValue::Int(n) => s.serialize_i64(*n),
            ParamValue::Float(x) => s.serialize_f64(*x),
            ParamValue::Str(v) => s.serialize_str(v),
        }
    }
}

impl From<i64> for ParamValue {
    fn from(v: i64) -> Self {
        ParamValue::Int(v)
    }
}
impl From<u32> for ParamValue {
    fn from(v: u32) -> Self {
        ParamValue::Int(i64::from(v))
    }
}
impl From<u64> for ParamValue {
    fn from(v: u64) -> Self {
        ParamValue::Int(i64::try_from(v).unwrap_or(i64::MAX))
    }
}
impl From<usize> for ParamValue {
    fn from(v: usize) -> Self {
        ParamValue::Int(i64::try_from(v).unwrap_or(i64::MAX))
    }
}
impl From<f64> for ParamValue {
    fn from(v: f64) -> Self {
        ParamValue::Float(v)
    }
}
impl From<&str> for ParamValue {
    fn from(v: &str) -> Self {
        ParamValue::Str(v.to_owned())
    }
}
impl From<String> for ParamValue {
    fn from(v: String) -> Self {
        ParamValue::Str(v)
    }
}

/// The ordered parameters of one error's message.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Params(Vec<(&'static str, ParamValue)>);

impl Params {
    /// The parameter named `name`, if any.
    pub fn get(&self, name: &str) -> Option<&ParamValue> {
        self.0.iter().find(|(k, _)| *k == name).map(|(_, v)| v)
    }
    /// All parameters in the order they were added.
    pub fn iter(&self) -> impl Iterator<Item = (&'static str, &ParamValue)> {
        self.0.iter().map(|(k, v)| (*k, v))
    }
    /// True when there are no parameters.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl Serialize for Params {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(self.0.len()))?;
        for (k, v) in &self.0 {
            map.serialize_entry(k, v)?;
        }
        map.end()
    }
}

/// One problem with one field of an input.
#[derive(Clone, Debug, PartialEq)]
pub struct FieldError {
    path: FieldPath,
    code: ErrorCode,
    params: Params,
}

impl FieldError {
    /// A new error at the root path with no parameters.
    pub fn new(code: ErrorCode) -> FieldError {
        FieldError {
            path: FieldPath::root(),
            code,
            params: Params::default(),
        }
    }
    /// A new error at the field `name`.
    pub fn at(name: &'static str, code: ErrorCode) -> FieldError {
        FieldError::new(code).with_path(FieldPath::field(name))
    }
    /// Replaces the path.
    #[must_use]
    pub fn with_path(mut self, path: FieldPath) -> FieldError {
        self.path = path;
        self
    }
    /// Adds a message parameter.
    #[must_use]
    pub fn with_param(mut self, name: &'static str, value: impl Into<ParamValue>) -> FieldError {
        self.params.0.push((name, value.into()));
        self
    }
    /// Prefixes the path with a parent segment (pydantic's `with_outer_location`).
    #[must_use]
    pub fn with_outer(mut self, segment: PathSegment) -> FieldError {
        self.path.push_outer(segment);
        self
    }
    /// The stable code.
    pub fn code(&self) -> ErrorCode {
        self.code
    }
    /// Where the problem is.
    pub fn path(&self) -> &FieldPath {
        &self.path
    }
    /// The message parameters.
    pub fn params(&self) -> &Params {
        &self.params
    }
    /// The message in `locale`, with the parameters filled in.
    pub fn message(&self, locale: Locale) -> String {
        render_template(self.code.template(locale), &self.params, locale)
    }
    /// A serializable view with the message rendered in `locale`:
    /// `{path, field, code, message, params}`.
    pub fn localized(&self, locale: Locale) -> LocalizedError<'_> {
        LocalizedError {
            error: self,
            locale,
        }
    }
}

fn render_template(template: &str, params: &Params, locale: Locale) -> String {
    let mut out = String::with_capacity(template.len() + 16);
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        match after.find('}') {
            Some(close) => {
                let name = &after[..close];
                match params.get(name) {
                    Some(v) => out.push_str(&v.render(locale)),
                    None => {
                        out.push('{');
                        out.push_str(name);
                        out.push('}');
                    }
                }
                rest = &after[close + 1..];
            }
            None => {
                out.push_str(&rest[open..]);
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out
}

impl fmt::Display for FieldError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let path = self.path.to_string();
        if path.is_empty() {
            write!(f, "{} [{}]", self.message(Locale::En), self.code)
        } else {
            write!(f, "{path}: {} [{}]", self.message(Locale::En), self.code)
        }
    }
}

impl std::error::Error for FieldError {}

/// A [`FieldError`] rendered in one locale, ready to serialize.
#[derive(Clone, Copy, Debug)]
pub struct LocalizedError<'a> {
    error: &'a FieldError,
    locale: Locale,
}

impl Serialize for LocalizedError<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(5))?;
        map.serialize_entry("path", &self.error.path)?;
        map.serialize_entry("field", &self.error.path.to_string())?;
        map.serialize_entry("code", &self.error.code)?;
        map.serialize_entry("message", &self.error.message(self.locale))?;
        map.serialize_entry("params", &self.error.params)?;
        map.end()
    }
}

/// All problems found in one input (never empty when returned as an error).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ValidationErrors(Vec<FieldError>);

impl ValidationErrors {
    /// An empty collector.
    pub const fn new() -> ValidationErrors {
        ValidationErrors(Vec::new())
    }
    /// Adds one error.
    pub fn push(&mut self, e: FieldError) {
        self.0.push(e);
    }
    /// Adds all errors of `other`, each prefixed with `segment`.
    pub fn extend_with_outer(&mut self, other: ValidationErrors, segment: &PathSegment) {
        self.0
            .extend(other.0.into_iter().map(|e| e.with_outer(segment.clone())));
    }
    /// Adds all errors of `other` as they are.
    pub fn extend(&mut self, other: ValidationErrors) {
        self.0.extend(other.0);
    }
    /// True when nothing was collected.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
    /// How many errors were collected.
    pub fn len(&self) -> usize {
        self.0.len()
    }
    /// The errors in the order found.
    pub fn errors(&self) -> &[FieldError] {
        &self.0
    }
    /// Consumes the collector into its errors.
    pub fn into_vec(self) -> Vec<FieldError> {
        self.0
    }
    /// `Ok(value)` when nothing was collected, else `Err(self)`.
    ///
    /// # Errors
    /// Returns the collected errors when there is at least one.
    pub fn into_result<T>(self, value: T) -> Result<T, ValidationErrors> {
        if self.0.is_empty() {
            Ok(value)
        } else {
            Err(self)
        }
    }
    /// A pydantic-style summary: `2 validation errors for Family` then one
    /// `path` / `  message [code]` pair per error.
    pub fn summary(&self, title: &str, locale: Locale) -> String {
        let n = self.0.len();
        let mut out = match locale {
            Locale::Id => format!("{n} kesalahan validasi pada {title}"),
            Locale::En => format!(
                "{n} validation error{} for {title}",
                if n == 1 { "" } else { "s" }
            ),
        };
        for e in &self.0 {
            let path = e.path.to_string();
            out.push('\n');
            out.push_str(if path.is_empty() { "(input)" } else { &path });
            out.push_str("\n  ");
            out.push_str(&e.message(locale));
            out.push_str(" [code=");
            out.push_str(e.code.as_str());
            out.push(']');
        }
        out
    }
}

impl From<FieldError> for ValidationErrors {
    fn from(e: FieldError) -> Self {
        ValidationErrors(vec![e])
    }
}

impl fmt::Display for ValidationErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.summary("input", Locale::En))
    }
}

impl std::error::Error for ValidationErrors {}

/// Two or more columns of one batch call have different lengths (a caller bug).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("column `{column}` has {actual} rows but `{reference}` has {expected}")]
pub struct ShapeError {
    /// The column whose length differs.
    pub column: &'static str,
    /// Its length.
    pub actual: usize,
    /// The column the others are compared with.
    pub reference: &'static str,
    /// The reference length.
    pub expected: usize,
}

/// The one public error type of kampung-core.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// Bad input values (user-fixable), every problem with its path.
    #[error("{0}")]
    Validation(ValidationErrors),
    /// Batch columns of different lengths (programmer error).
    #[error("batch shape mismatch: {0}")]
    Shape(ShapeError),
}

impl From<ValidationErrors> for Error {
    fn from(e: ValidationErrors) -> Self {
        Error::Validation(e)
    }
}
impl From<FieldError> for Error {
    fn from(e: FieldError) -> Self {
        Error::Validation(e.into())
    }
}
impl From<ShapeError> for Error {
    fn from(e: ShapeError) -> Self {
        Error::Shape(e)
    }
}

impl FieldError {
    /// One line for a person at a terminal: `path: message [code=…, name=value…]`,
    /// the parameters written out (so a missing column's name is shown).
    pub fn describe(&self, locale: Locale) -> String {
        let path = self.path.to_string();
        let mut out = if path.is_empty() {
            self.message(locale)
        } else {
            format!("{path}: {}", self.message(locale))
        };
        out.push_str(" [code=");
        out.push_str(self.code.as_str());
        for (k, v) in self.params.iter() {
            out.push_str(&format!(", {k}={}", v.render(locale)));
        }
        out.push(']');
        out
    }
}

impl Error {
    /// `register_malformed_line` with the reason: a table file that cannot
    /// be read or written.
    pub fn malformed(reason: impl fmt::Display) -> Error {
        FieldError::new(ErrorCode::RegisterMalformedLine)
            .with_param("reason", reason.to_string())
            .into()
    }
    /// `parquet_unreadable` with the reason: a Parquet file that cannot be
    /// read (not Parquet, truncated, corrupt, a codec this build lacks).
    pub fn parquet_unreadable(reason: impl fmt::Display) -> Error {
        FieldError::new(ErrorCode::ParquetUnreadable)
            .with_param("reason", reason.to_string())
            .into()
    }
    /// `required` at `columns`, parameter `column` naming the missing columns.
    pub fn missing_columns(names: &[&str]) -> Error {
        FieldError::new(ErrorCode::Required)
            .with_path(FieldPath::field("columns"))
            .with_param("column", names.join(", "))
            .into()
    }
    /// Every problem as [`FieldError::describe`] does, joined by `; `.
    pub fn describe(&self, locale: Locale) -> String {
        match self {
            Error::Validation(v) => v
                .errors()
                .iter()
                .map(|e| e.describe(locale))
                .collect::<Vec<_>>()
                .join("; "),
            Error::Shape(s) => s.to_string(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    fn placeholders(t: &str) -> Vec<String> {
        let mut v: Vec<String> = t
            .split('{')
            .skip(1)
            .filter_map(|p| p.split('}').next().map(str::to_owned))
            .collect();
        v.sort();
        v
    }

    #[test]
    fn every_code_has_both_templates_with_the_same_placeholders() {
        for code in ErrorCode::ALL {
            let id = code.template(Locale::Id);
            let en = code.template(Locale::En);
            assert!(!id.trim().is_empty(), "{code}: empty id template");
            assert!(!en.trim().is_empty(), "{code}: empty en template");
            assert_ne!(id, en, "{code}: id template is the English one");
            assert_eq!(placeholders(id), placeholders(en), "{code}");
        }
    }

    #[test]
    fn codes_are_unique_snake_case() {
        let mut seen = HashSet::new();
        for code in ErrorCode::ALL {
            let s = code.as_str();
            assert!(seen.insert(s), "duplicate code {s}");
            assert!(
                s.chars().all(|c| c.is_ascii_lowercase() || c == '_'),
                "{s} is not snake_case"
            );
        }
    }

    #[test]
    fn path_renders_like_python_and_js() {
        let e = FieldError::at("birth_date", ErrorCode::DateInFuture)
            .with_outer(PathSegment::Index(2))
            .with_outer(PathSegment::Field("members"));
        assert_eq!(e.path().to_string(), "members[2].birth_date");
        let json = serde_json::to_value(e.localized(Locale::En)).expect("serializes");
        assert_eq!(
            json["path"],
            serde_json::json!(["members", 2, "birth_date"])
        );
        assert_eq!(json["field"], "members[2].birth_date");
    }

    #[test]
    fn params_fill_templates_with_locale_decimals() {
        let e = FieldError::new(ErrorCode::OutOfRange)
            .with_param("min", 0.5)
            .with_param("max", 10_i64);
        assert_eq!(e.message(Locale::Id), "Nilai harus antara 0,5 dan 10.");
        assert_eq!(
            e.message(Locale::En),
            "The value must be between 0.5 and 10."
        );
    }

    #[test]
    fn locale_tags() {
        assert_eq!(Locale::parse("id-ID").ok(), Some(Locale::Id));
        assert_eq!(Locale::parse("EN_us").ok(), Some(Locale::En));
        assert_eq!(
            Locale::parse("fr").map_err(|e| e.code()),
            Err(ErrorCode::UnknownLocale)
        );
    }

    #[test]
    fn summary_is_pydantic_like() {
        let mut errs = ValidationErrors::new();
        errs.push(FieldError::at("nik", ErrorCode::NikLength).with_param("length", 3_usize));
        errs.push(FieldError::new(ErrorCode::FamilyNoHead));
        let s = errs.summary("Family", Locale::En);
        assert!(s.starts_with("2 validation errors for Family\nnik\n  A NIK must have 16 digits (got 3). [code=nik_length]"), "{s}");
    }
}

/// One problem of one row of a batch: `row` is the 0-based row index, and
/// the error's path is the input column name (e.g. `weight`).
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct RowError {
    /// 0-based row index.
    pub row: usize,
    /// What is wrong, at the input column's name.
    #[serde(serialize_with = "ser_error")]
    pub error: FieldError,
}

fn ser_error<S: serde::Serializer>(e: &FieldError, s: S) -> Result<S::Ok, S::Error> {
    e.localized(Locale::En).serialize(s)
}

impl RowError {
    /// A new row error.
    pub fn new(row: usize, error: FieldError) -> RowError {
        RowError { row, error }
    }
}

/// The header of [`write_row_errors_csv`].
pub const ROW_ERRORS_CSV_HEADER: &str = "row,field,code,message\n";

/// Writes row problems as CSV `row,field,code,message` (the format of
/// `kampung zscores --errors`): `row` numbered from 1 (the data row of the
/// input, header not counted), the message in `locale`, quoted.
///
/// # Errors
/// The writer's.
pub fn write_row_errors_csv<W: std::io::Write>(
    mut out: W,
    errors: &[RowError],
    locale: Locale,
) -> std::io::Result<()> {
    out.write_all(ROW_ERRORS_CSV_HEADER.as_bytes())?;
    for e in errors {
        write_row_error_csv(&mut out, e, locale)?;
    }
    out.flush()
}

/// One line of [`write_row_errors_csv`].
///
/// # Errors
/// The writer's.
pub fn write_row_error_csv<W: std::io::Write>(
    mut out: W,
    e: &RowError,
    locale: Locale,
) -> std::io::Result<()> {
    writeln!(
        out,
        "{},{},{},\"{}\"",
        e.row + 1,
        e.error.path(),
        e.error.code(),
        e.error.message(locale).replace('"', "\"\"")
    )
}

/// Rows with each error code (a row counted once per code), codes in order
/// of first appearance.
pub fn rows_by_code(errors: &[RowError]) -> Vec<(ErrorCode, usize)> {
    let mut seen: Vec<(ErrorCode, usize, usize)> = Vec::new();
    for e in errors {
        let code = e.error.code();
        match seen.iter_mut().find(|(c, _, _)| *c == code) {
            Some((_, n, last)) if *last != e.row => {
                *n += 1;
                *last = e.row;
            }
            Some(_) => {}
            None => seen.push((code, 1, e.row)),
        }
    }
    seen.into_iter().map(|(c, n, _)| (c, n)).collect()
}

/// A one-line summary of a batch read: `20000 rows read; 349 rows
/// prevalence_age_excluded, 2 rows invalid_type` (in `locale`).
pub fn rows_summary(rows: usize, errors: &[RowError], locale: Locale) -> String {
    let (read, none, unit) = match locale {
        Locale::Id => ("baris dibaca", "tanpa catatan", "baris"),
        Locale::En => ("rows read", "no notes", "rows"),
    };
    let by_code = rows_by_code(errors);
    if by_code.is_empty() {
        return format!("{rows} {read}; {none}");
    }
    let parts: Vec<String> = by_code
        .iter()
        .map(|(c, n)| format!("{n} {unit} {c}"))
        .collect();
    format!("{rows} {read}; {}", parts.join(", "))
}

#[cfg(test)]
mod row_error_tests {
    use super::*;

    #[test]
    fn row_errors_as_csv_and_summary() {
        let errs = [
            RowError::new(0, FieldError::at("age", ErrorCode::Required)),
            RowError::new(0, FieldError::at("sex", ErrorCode::Required)),
            RowError::new(3, FieldError::at("sex", ErrorCode::InvalidCode)),
            RowError::new(4, FieldError::at("age", ErrorCode::Required)),
        ];
        let mut out = Vec::new();
        write_row_errors_csv(&mut out, &errs[2..3], Locale::En).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert!(
            text.starts_with("row,field,code,message\n4,sex,invalid_code,\""),
            "{text}"
        );
        assert_eq!(
            rows_by_code(&errs),
            [(ErrorCode::Required, 2), (ErrorCode::InvalidCode, 1)]
        );
        assert_eq!(
            rows_summary(9, &errs, Locale::En),
            "9 rows read; 2 rows required, 1 rows invalid_code"
        );
        assert_eq!(rows_summary(9, &[], Locale::En), "9 rows read; no notes");
        let e = FieldError::new(ErrorCode::Required).with_param("column", "sw");
        assert!(e
            .describe(Locale::En)
            .ends_with("[code=required, column=sw]"));
    }
}
