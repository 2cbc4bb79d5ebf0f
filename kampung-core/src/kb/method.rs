//! Contraceptive methods (*metode / alat kontrasepsi*): one canonical
//! catalogue with `is_modern`, `is_mkjp` and the sex of the person who uses
//! the method, plus mappings from the codes of real systems
//! (PRIOR_ART.md §2.4 and defect D-25: the systems' lists do not line up).
//!
//! Classification (DOMAIN.md §2.2): MKJP (*metode kontrasepsi jangka
//! panjang*) = IUD, MOW, MOP, implant, as in the Kampung KB portal's
//! classification SQL (`c.id in (1,2,3,5)`, **\[A\]**
//! `willyprmn/Kampung-KB @ 5886cb97 : database/sql/statistik/classification/kampungs.sql`).
//! Modern = the SDG 3.7.1 list for Indonesia (MOP, MOW, IUD, implant,
//! suntik, pil, kondom, diafragma, MAL, kontrasepsi darurat; **\[B\]**
//! <https://sdi.beltim.go.id/kodref/03.07.029>) and DHS v313 = 3 **\[A\]**.
//! Traditional = *pantang berkala, senggama terputus, cara tradisional lain*.

use crate::error::{ErrorCode, FieldError};
use crate::sex::Sex;
use serde::Serialize;

/// A contraceptive method (or none), in canonical codes.
#[doc(alias = "kontrasepsi")]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Method {
    /// *IUD / AKDR* (intrauterine device). Modern, MKJP, used by women.
    Iud,
    /// *MOW / tubektomi* (female sterilisation). Modern, MKJP, women.
    Mow,
    /// *MOP / vasektomi* (male sterilisation). Modern, MKJP, men.
    Mop,
    /// *Implan / susuk KB* (implant, 1 or 2 rods). Modern, MKJP, women.
    Implant,
    /// *Suntik 1 bulanan* (combined monthly injectable). Modern, women.
    #[serde(rename = "injectable_1_month")]
    Injectable1Month,
    /// *Suntik 3 bulanan* (progestin 3-monthly injectable). Modern, women.
    #[serde(rename = "injectable_3_month")]
    Injectable3Month,
    /// *Suntik* with the interval not recorded (Kampung KB portal id 6,
    /// OpenSID 3, PK-2015 "Suntik"). Modern, women.
    Injectable,
    /// *Pil* (combined or progestin-only). Modern, women.
    Pill,
    /// *Kondom* (male condom). Modern, men (OpenSID `tweb_cara_kb.sex` = 1).
    Condom,
    /// *MAL (Metode Amenore Laktasi)*, lactational amenorrhoea. Modern
    /// (BPS/SDGs, DHS), not MKJP, women.
    Mal,
    /// Another modern method (*diafragma*, *kontrasepsi darurat*, female
    /// condom, …). Modern, not MKJP; user sex not fixed.
    OtherModern,
    /// A traditional method (*pantang berkala*, *senggama terputus*, *cara
    /// tradisional lain*). Counts in CPR, not in mCPR.
    Traditional,
    /// A method recorded only as "other" (OpenSID 99 *Lainnya*) whose
    /// modern/traditional status is unknown. Counts in CPR (it is a method)
    /// but **not** in mCPR: counting it as modern would inflate mCPR.
    Other,
    /// No method (*tidak menggunakan*).
    None,
}

/// Every method, in catalogue order.
pub const ALL_METHODS: [Method; 14] = [
    Method::Iud,
    Method::Mow,
    Method::Mop,
    Method::Implant,
    Method::Injectable1Month,
    Method::Injectable3Month,
    Method::Injectable,
    Method::Pill,
    Method::Condom,
    Method::Mal,
    Method::OtherModern,
    Method::Traditional,
    Method::Other,
    Method::None,
];

/// A coding system whose method codes can be mapped to [`Method`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum MethodSystem {
    /// The canonical snake_case codes of [`Method`] (plus common Indonesian names).
    Canonical,
    /// Kampung KB portal ids 1-7: `1 IUD, 2 MOW, 3 MOP, 4 Kondom, 5 Implan,
    /// 6 Suntik, 7 PIL` (**\[A\]** `willyprmn/Kampung-KB @ 5886cb97 :
    /// database/seeds/KontrasepsiSeeder.php`, DOMAIN.md §2.2). Code 0 = none.
    KampungKb,
    /// OpenSID `CaraKBEnum`: `1 Pil, 2 IUD, 3 Suntik, 4 Kondom, 5 Susuk KB,
    /// 6 Sterilisasi Wanita, 7 Sterilisasi Pria, 99 Lainnya, 100 Tidak
    /// Menggunakan` (PRIOR_ART.md §2.4, `OpenSID/OpenSID:app/Enums/CaraKBEnum.php`).
    OpenSid,
    /// PK-2015 labels `IUD, MOP, Suntik, Kondom, MOW, Implan, Pil,
    /// Tradisional` (PRIOR_ART.md §2.4, `RickiGit/SigaBKKBN` strings.xml).
    /// Only the labels are documented, not numeric codes (DOMAIN.md
    /// Uncertain 5), so this system maps labels.
    Pk2015,
    /// K/I/KB `AlatKBTerakhir` labels: `Suntikan 1 Bulanan, Suntikan 3
    /// Bulanan, Pil, Kondom, Implan 1 Batang, Implan 2 Batang, IUD CuT 380A,
    /// IUD Lain-lain, Tubektomi, Vasektomi` (PRIOR_ART.md §2.4). Labels only.
    KIKb,
}

impl MethodSystem {
    /// Parses `canonical`, `kampung_kb`, `opensid`, `pk2015`, `kikb`.
    ///
    /// # Errors
    /// `invalid_code` for anything else.
    pub fn parse(s: &str) -> Result<MethodSystem, FieldError> {
        match norm(s).as_ref() {
            "canonical" => Ok(MethodSystem::Canonical),
            "kampung_kb" => Ok(MethodSystem::KampungKb),
            "opensid" => Ok(MethodSystem::OpenSid),
            "pk2015" | "pk_2015" => Ok(MethodSystem::Pk2015),
            "kikb" | "k_i_kb" => Ok(MethodSystem::KIKb),
            _ => Err(FieldError::new(ErrorCode::InvalidCode)
                .with_param("allowed", "canonical, kampung_kb, opensid, pk2015, kikb")),
        }
    }
}

fn norm(s: &str) -> std::borrow::Cow<'_, str> {
    crate::input::normalize_code(s, b" -/")
}

const CANONICAL_ALLOWED: &str = "iud, mow, mop, implant, injectable_1_month, injectable_3_month, injectable, pill, condom, mal, other_modern, traditional, other, none";

impl Method {
    /// The canonical code, e.g. `"injectable_3_month"`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Method::Iud => "iud",
            Method::Mow => "mow",
            Method::Mop => "mop",
            Method::Implant => "implant",
            Method::Injectable1Month => "injectable_1_month",
            Method::Injectable3Month => "injectable_3_month",
            Method::Injectable => "injectable",
            Method::Pill => "pill",
            Method::Condom => "condom",
            Method::Mal => "mal",
            Method::OtherModern => "other_modern",
            Method::Traditional => "traditional",
            Method::Other => "other",
            Method::None => "none",
        }
    }

    /// True for any method other than [`Method::None`] (CPR numerator).
    pub const fn is_user(self) -> bool {
        !matches!(self, Method::None)
    }

    /// Modern method (mCPR numerator), DOMAIN.md §2.2.
    pub const fn is_modern(self) -> bool {
        !matches!(self, Method::Traditional | Method::Other | Method::None)
    }

    /// MKJP (long-acting or permanent): IUD, MOW, MOP, implant (DOMAIN.md §2.2).
    pub const fn is_mkjp(self) -> bool {
        matches!(
            self,
            Method::Iud | Method::Mow | Method::Mop | Method::Implant
        )
    }

    /// The sex of the person who uses the method, when fixed (OpenSID seed
    /// `tweb_cara_kb.sex`, PRIOR_ART.md §2.4; DOMAIN.md §2.2 table).
    pub const fn user_sex(self) -> Option<Sex> {
        match self {
            Method::Mop | Method::Condom => Some(Sex::Male),
            Method::Iud
            | Method::Mow
            | Method::Implant
            | Method::Injectable1Month
            | Method::Injectable3Month
            | Method::Injectable
            | Method::Pill
            | Method::Mal => Some(Sex::Female),
            Method::OtherModern | Method::Traditional | Method::Other | Method::None => None,
        }
    }

    /// Checks that a person of sex `sex` can be the user (acceptor) of this method.
    ///
    /// # Errors
    /// `kb_method_sex_mismatch` (e.g. MOP for a woman, IUD for a man).
    pub fn check_user_sex(self, sex: Sex) -> Result<(), FieldError> {
        match self.user_sex() {
            Some(s) if s != sex => {
                Err(FieldError::new(ErrorCode::KbMethodSexMismatch)
                    .with_param("method", self.as_str()))
            }
            _ => Ok(()),
        }
    }

    /// Parses a canonical code or a common Indonesian name (`akdr`,
    /// `tubektomi`, `vasektomi`, `susuk`, `suntik`, `pil`, `kondom`, …).
    ///
    /// # Errors
    /// `invalid_code` listing the canonical codes.
    pub fn parse(s: &str) -> Result<Method, FieldError> {
        // The usual codes, exactly as written: nothing to normalise.
        match s {
            "none" => return Ok(Method::None),
            "injectable_3_month" => return Ok(Method::Injectable3Month),
            "pill" => return Ok(Method::Pill),
            "implant" => return Ok(Method::Implant),
            "iud" => return Ok(Method::Iud),
            "injectable_1_month" => return Ok(Method::Injectable1Month),
            "condom" => return Ok(Method::Condom),
            "mow" => return Ok(Method::Mow),
            _ => {}
        }
        Ok(match norm(s).as_ref() {
            "iud" | "akdr" => Method::Iud,
            "mow" | "tubektomi" | "sterilisasi_wanita" => Method::Mow,
            "mop" | "vasektomi" | "sterilisasi_pria" => Method::Mop,
            "implant" | "implan" | "susuk" | "susuk_kb" => Method::Implant,
            "injectable_1_month" | "suntik_1_bulanan" | "suntikan_1_bulanan" => {
                Method::Injectable1Month
            }
            "injectable_3_month" | "suntik_3_bulanan" | "suntikan_3_bulanan" => {
                Method::Injectable3Month
            }
            "injectable" | "suntik" => Method::Injectable,
            "pill" | "pil" => Method::Pill,
            "condom" | "kondom" => Method::Condom,
            "mal" | "lam" => Method::Mal,
            "other_modern" => Method::OtherModern,
            "traditional" | "tradisional" => Method::Traditional,
            "other" | "lainnya" => Method::Other,
            "none" | "tidak_menggunakan" | "tidak_ada" => Method::None,
            _ => {
                return Err(FieldError::new(ErrorCode::InvalidCode)
                    .with_param("allowed", CANONICAL_ALLOWED))
            }
        })
    }

    /// Maps a code of `system` to a canonical method (see [`MethodSystem`]
    /// for each system's list and source).
    ///
    /// # Errors
    /// `invalid_code` listing the system's codes.
    pub fn from_system(system: MethodSystem, code: &str) -> Result<Method, FieldError> {
        let n = norm(code);
        let bad = |allowed: &'static str| {
            Err(FieldError::new(ErrorCode::InvalidCode).with_param("allowed", allowed))
        };
        match system {
            MethodSystem::Canonical => Method::parse(code),
            MethodSystem::KampungKb => match n.as_ref() {
                "0" => Ok(Method::None),
                "1" => Ok(Method::Iud),
                "2" => Ok(Method::Mow),
                "3" => Ok(Method::Mop),
                "4" => Ok(Method::Condom),
                "5" => Ok(Method::Implant),
                "6" => Ok(Method::Injectable),
                "7" => Ok(Method::Pill),
                _ => bad("0-7"),
            },
            MethodSystem::OpenSid => match n.as_ref() {
                "1" => Ok(Method::Pill),
                "2" => Ok(Method::Iud),
                "3" => Ok(Method::Injectable),
                "4" => Ok(Method::Condom),
                "5" => Ok(Method::Implant),
                "6" => Ok(Method::Mow),
                "7" => Ok(Method::Mop),
                "99" => Ok(Method::Other),
                "100" => Ok(Method::None),
                _ => bad("1-7, 99, 100"),
            },
            MethodSystem::Pk2015 => match n.as_ref() {
                "iud" => Ok(Method::Iud),
                "mop" => Ok(Method::Mop),
                "suntik" => Ok(Method::Injectable),
                "kondom" => Ok(Method::Condom),
                "mow" => Ok(Method::Mow),
                "implan" => Ok(Method::Implant),
                "pil" => Ok(Method::Pill),
                "tradisional" => Ok(Method::Traditional),
                "tidak_menggunakan" | "none" => Ok(Method::None),
                _ => bad("IUD, MOP, Suntik, Kondom, MOW, Implan, Pil, Tradisional"),
            },
            MethodSystem::KIKb => match n.as_ref() {
                "suntikan_1_bulanan" => Ok(Method::Injectable1Month),
                "suntikan_3_bulanan" => Ok(Method::Injectable3Month),
                "pil" => Ok(Method::Pill),
                "kondom" => Ok(Method::Condom),
                "implan_1_batang" | "implan_2_batang" => Ok(Method::Implant),
                "iud_cut_380a" | "iud_lain_lain" => Ok(Method::Iud),
                "tubektomi" => Ok(Method::Mow),
                "vasektomi" => Ok(Method::Mop),
                _ => bad("Suntikan 1 Bulanan, Suntikan 3 Bulanan, Pil, Kondom, Implan 1 Batang, Implan 2 Batang, IUD CuT 380A, IUD Lain-lain, Tubektomi, Vasektomi"),
            },
        }
    }
}

/// Why a PUS does not use KB: the Kampung KB portal master table
/// `non_kontrasepsi` (**\[A\]** `willyprmn/Kampung-KB @ 5886cb97 :
/// database/seeds/NonKontrasepsiSeeder.php`, DOMAIN.md §2.3).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum NonUseReason {
    /// 1 *Karena hamil* (pregnant).
    Hamil,
    /// 2 *Ingin anak segera* (wants a child soon).
    InginAnakSegera,
    /// 3 *Ingin anak tunda / kemudian* (IAT: wants a child later).
    Iat,
    /// 4 *Tidak ingin anak lagi* (TIAL: wants no more children).
    Tial,
}

impl NonUseReason {
    /// Parses the canonical code, the portal id 1-4 or the portal's column
    /// name (`hamil`, `anak_segera`, `anak_kemudian`, `tidak_ingin_anak`).
    ///
    /// # Errors
    /// `invalid_code`.
    pub fn parse(s: &str) -> Result<NonUseReason, FieldError> {
        // The usual codes, exactly as written: nothing to normalise.
        match s {
            "hamil" => return Ok(NonUseReason::Hamil),
            "ingin_anak_segera" => return Ok(NonUseReason::InginAnakSegera),
            "iat" => return Ok(NonUseReason::Iat),
            "tial" => return Ok(NonUseReason::Tial),
            _ => {}
        }
        Ok(match norm(s).as_ref() {
            "1" | "hamil" => NonUseReason::Hamil,
            "2" | "ingin_anak_segera" | "anak_segera" | "ias" => NonUseReason::InginAnakSegera,
            "3" | "iat" | "anak_kemudian" | "ingin_anak_tunda" => NonUseReason::Iat,
            "4" | "tial" | "tidak_ingin_anak" | "tidak_ingin_anak_lagi" => NonUseReason::Tial,
            _ => {
                return Err(FieldError::new(ErrorCode::InvalidCode)
                    .with_param("allowed", "hamil, ingin_anak_segera, iat, tial"))
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    /// The codes read without normalising read as their normalised forms.
    #[test]
    fn usual_codes_shortcut_agrees() {
        let slow = |s: &str| format!(" {} ", s.to_uppercase().replace('_', "-"));
        for m in ALL_METHODS {
            let s = m.as_str();
            assert_eq!(Method::parse(s), Ok(m), "{s}");
            assert_eq!(Method::parse(&slow(s)), Ok(m), "{s}");
        }
        for s in ["hamil", "ingin_anak_segera", "iat", "tial"] {
            assert_eq!(NonUseReason::parse(s), NonUseReason::parse(&slow(s)), "{s}");
            assert!(NonUseReason::parse(s).is_ok());
        }
    }

    #[test]
    fn catalogue_properties() {
        let mkjp: Vec<_> = ALL_METHODS.iter().filter(|m| m.is_mkjp()).collect();
        assert_eq!(
            mkjp,
            [&Method::Iud, &Method::Mow, &Method::Mop, &Method::Implant]
        );
        for m in ALL_METHODS {
            if m.is_mkjp() {
                assert!(m.is_modern(), "{m:?}");
            }
            if m.is_modern() {
                assert!(m.is_user());
            }
        }
        assert!(!Method::Traditional.is_modern() && Method::Traditional.is_user());
        assert!(!Method::Other.is_modern() && Method::Other.is_user());
        assert!(!Method::None.is_user());
        let codes: HashSet<_> = ALL_METHODS.iter().map(|m| m.as_str()).collect();
        assert_eq!(codes.len(), ALL_METHODS.len());
        for m in ALL_METHODS {
            assert_eq!(Method::parse(m.as_str()).ok(), Some(m));
            assert_eq!(serde_json::to_value(m).unwrap(), m.as_str());
        }
    }

    #[test]
    fn sex_fit() {
        assert_eq!(
            Method::Mop
                .check_user_sex(Sex::Female)
                .map_err(|e| e.code()),
            Err(ErrorCode::KbMethodSexMismatch)
        );
        assert!(Method::Iud.check_user_sex(Sex::Male).is_err());
        assert!(Method::Condom.check_user_sex(Sex::Male).is_ok());
        assert!(Method::Traditional.check_user_sex(Sex::Male).is_ok());
    }

    #[test]
    fn system_mappings() {
        let kkb: Vec<_> = (1..=7)
            .map(|i| Method::from_system(MethodSystem::KampungKb, &i.to_string()).unwrap())
            .collect();
        assert_eq!(
            kkb,
            [
                Method::Iud,
                Method::Mow,
                Method::Mop,
                Method::Condom,
                Method::Implant,
                Method::Injectable,
                Method::Pill
            ]
        );
        // The portal's MKJP ids are exactly 1, 2, 3, 5.
        let ids: Vec<usize> = kkb
            .iter()
            .enumerate()
            .filter(|(_, m)| m.is_mkjp())
            .map(|(i, _)| i + 1)
            .collect();
        assert_eq!(ids, [1, 2, 3, 5]);
        assert_eq!(
            Method::from_system(MethodSystem::OpenSid, "6").unwrap(),
            Method::Mow
        );
        assert_eq!(
            Method::from_system(MethodSystem::OpenSid, "100").unwrap(),
            Method::None
        );
        assert_eq!(
            Method::from_system(MethodSystem::OpenSid, "99").unwrap(),
            Method::Other
        );
        assert!(Method::from_system(MethodSystem::OpenSid, "8").is_err());
        assert_eq!(
            Method::from_system(MethodSystem::KIKb, "Implan 2 Batang").unwrap(),
            Method::Implant
        );
        assert_eq!(
            Method::from_system(MethodSystem::KIKb, "IUD CuT 380A").unwrap(),
            Method::Iud
        );
        assert_eq!(
            Method::from_system(MethodSystem::Pk2015, "Tradisional").unwrap(),
            Method::Traditional
        );
        assert_eq!(
            NonUseReason::parse("anak_kemudian").unwrap(),
            NonUseReason::Iat
        );
        assert!(NonUseReason::parse("5").is_err());
    }
}
