//! The DHS individual-recode (IR) values the v626a derivation reads, and
//! their validation.
//!
//! Values arrive as `f64` with NaN for a missing value, as `pandas.read_stata(path,
//! convert_categoricals=False)` delivers them. A value is accepted when it is
//! a code of the DHS-7 Standard Recode Manual for that variable (ICF 2018,
//! *Standard Recode Manual for DHS-7*) or a code the DHS Program's own
//! derivation handles; missing is accepted wherever the DHS code treats a
//! missing value (every variable but `v000`). Anything else (v213 = 2,
//! v605 = 0, v215 = 50, 1.5, ±∞) is an impossible value: the woman gets class
//! 99 and one error per bad value, never a guess.

use crate::error::{ErrorCode, FieldError};

/// A DHS survey identifier (`v000`): two letters for the country and one
/// character for the DHS phase, e.g. `ID7` (IDHS 2017), `ID6` (IDHS 2012).
///
/// The phase decides which variables the DHS code reads (box 1 uses `v302a`
/// only in phases 6-8, box 3 uses `v3a08d` only in phases 4-8), and a few
/// surveys have their own lines in the DHS code; those that need only the
/// columns kampung reads are flagged here once per survey.
#[doc(alias = "v000")]
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SurveyId {
    code: String,
    phase: u8,
    flags: SurveyFlags,
}

/// What the DHS code does differently for a survey, worked out once.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct SurveyFlags {
    pub reads_v302a: bool,
    pub reads_v3a08d: bool,
    pub married_only: bool,
    pub hysterectomy_993: bool,
    pub ci3: bool,
    pub ni2: bool,
    pub ls5: bool,
    pub ia2: bool,
    pub ia3: bool,
}

/// Surveys whose unmarried women get 98 whatever `v020` says (FP_NEED.do
/// @abc636f lines 49-56; FP_Need.R @c8a14700 lines 204-211).
const SURVEYS_MARRIED_ONLY: [&str; 5] = ["MA4", "TR2", "HT3", "IA5", "NP5"];
/// Surveys where `v215 = 993` means "currently pregnant", not hysterectomy
/// (FP_NEED.do line 155; FP_Need.R line 159).
const SURVEYS_993_PREGNANT: [&str; 3] = ["TR3", "UG3", "YE2"];

impl SurveyId {
    /// Parses `v000`: at least three characters after trimming.
    ///
    /// # Errors
    /// `required` when empty; `invalid_code` when shorter than three characters.
    pub fn parse(v000: &str) -> Result<SurveyId, FieldError> {
        let code = v000.trim();
        if code.is_empty() {
            return Err(FieldError::at("v000", ErrorCode::Required));
        }
        match code.as_bytes().get(2) {
            Some(&phase) if code.is_ascii() => {
                let is = |c: &str| code == c;
                let flags = SurveyFlags {
                    reads_v302a: matches!(phase, b'6'..=b'8'),
                    reads_v3a08d: matches!(phase, b'4'..=b'8'),
                    married_only: phase == b'2' || SURVEYS_MARRIED_ONLY.iter().any(|s| is(s)),
                    hysterectomy_993: !SURVEYS_993_PREGNANT.iter().any(|s| is(s)),
                    ci3: is("CI3"),
                    ni2: is("NI2"),
                    ls5: is("LS5"),
                    ia2: is("IA2"),
                    ia3: is("IA3"),
                };
                Ok(SurveyId {
                    code: code.to_owned(),
                    phase,
                    flags,
                })
            }
            _ => Err(FieldError::at("v000", ErrorCode::InvalidCode)
                .with_param("allowed", "ID7, ID6, ID5, …")),
        }
    }

    /// The code as given (trimmed), e.g. `"ID7"`.
    pub fn as_str(&self) -> &str {
        &self.code
    }

    /// The phase character (third character of `v000`), e.g. `b'7'`.
    pub const fn phase(&self) -> u8 {
        self.phase
    }

    /// The survey-specific behaviour of the DHS code.
    pub(crate) const fn flags(&self) -> SurveyFlags {
        self.flags
    }
}

/// One woman's recode values as read from a file: `f64`, NaN = missing.
/// Field names are the DHS recode names. [`WomanRecode::default`] is all
/// missing.
#[derive(Clone, Copy, Debug, PartialEq)]
#[allow(missing_docs)]
pub struct WomanRecode {
    /// Year of interview (only read for Côte d'Ivoire 1994, `CI3`).
    pub v007: f64,
    /// Ever-married sample: 1 = only ever-married women were interviewed.
    pub v020: f64,
    /// Marital status: 0 never in union, 1 currently in union, 2 formerly.
    pub v502: f64,
    /// Years since first cohabitation.
    pub v512: f64,
    /// Age at first sex (0 = never had sex).
    pub v525: f64,
    /// Time since last sex in days (0-30; 95 = within the last 4 weeks).
    pub v528: f64,
    /// Currently pregnant (0/1).
    pub v213: f64,
    /// Current pregnancy wanted: 1 then, 2 later, 3 not at all (4, 8 survey-specific; 9 missing).
    pub v225: f64,
    /// Months since the last birth.
    pub v222: f64,
    /// Duration of postpartum amenorrhoea of the last birth (96 = period not returned).
    pub m6_1: f64,
    /// Last birth wanted: codes as `v225`.
    pub m10_1: f64,
    /// Time since last menstrual period: 1xx days, 2xx weeks, 3xx months, 4xx years, 993-999 special.
    pub v215: f64,
    /// Ever used anything to avoid pregnancy (0 = never).
    pub v302a: f64,
    /// Current contraceptive method (0 = not using).
    pub v312: f64,
    /// Fertility preference: 1 within 2 years … 5 no more, 6 sterilised, 7 declared infecund.
    pub v605: f64,
    /// Reason not using: menopausal/hysterectomy (0/1).
    pub v3a08d: f64,
}

impl Default for WomanRecode {
    fn default() -> Self {
        let m = f64::NAN;
        WomanRecode {
            v007: m,
            v020: m,
            v502: m,
            v512: m,
            v525: m,
            v528: m,
            v213: m,
            v225: m,
            v222: m,
            m6_1: m,
            m10_1: m,
            v215: m,
            v302a: m,
            v312: m,
            v605: m,
            v3a08d: m,
        }
    }
}

/// The accepted codes of one variable.
#[derive(Clone, Copy)]
enum Domain {
    /// Whole numbers in `[min, max]`.
    Range(i32, i32),
    /// One of these codes; `allowed` is their text for the message.
    Set(&'static [i32], &'static str),
    /// `v215`: 100-499 (unit + number) or 993-999.
    V215,
}

/// Wantedness codes (`v225`, `m10_1`): 1-3 and 9 in DHS-7, 4 and 8 in the
/// surveys the DHS code recodes to 2 (FP_NEED.do line 91).
const WANTEDNESS: &[i32] = &[1, 2, 3, 4, 8, 9];

impl Domain {
    /// Whether the whole number `v` is one of the domain's codes.
    #[inline(always)]
    fn accepts(self, v: i32) -> bool {
        match self {
            Domain::Range(lo, hi) => lo <= v && v <= hi,
            Domain::Set(codes, _) => codes.contains(&v),
            Domain::V215 => (100..=499).contains(&v) || (993..=999).contains(&v),
        }
    }

    /// The code of `x` (`None` when missing), or the error.
    #[inline(always)]
    fn check(self, name: &'static str, x: f64) -> Result<Option<i32>, FieldError> {
        if x.is_nan() {
            return Ok(None);
        }
        // Fast path: a whole number within ±1e6 that the domain accepts.
        if (-1e6..=1e6).contains(&x) {
            #[allow(clippy::cast_possible_truncation)]
            let v = x as i32;
            if f64::from(v) == x && self.accepts(v) {
                return Ok(Some(v));
            }
        }
        Err(self.error(name, x))
    }

    #[cold]
    fn error(self, name: &'static str, x: f64) -> FieldError {
        if !x.is_finite() {
            return FieldError::at(name, ErrorCode::NotFinite);
        }
        if x.fract() != 0.0 {
            return FieldError::at(name, ErrorCode::InvalidType)
                .with_param("expected", "integer")
                .with_param("received", "number");
        }
        match self {
            Domain::Range(lo, hi) => FieldError::at(name, ErrorCode::OutOfRange)
                .with_param("min", i64::from(lo))
                .with_param("max", i64::from(hi)),
            Domain::Set(_, allowed) => {
                FieldError::at(name, ErrorCode::InvalidCode).with_param("allowed", allowed)
            }
            Domain::V215 => FieldError::at(name, ErrorCode::InvalidCode).with_param(
                "allowed",
                "100-499 (1xx days, 2xx weeks, 3xx months, 4xx years), 993-999",
            ),
        }
    }
}

/// Validated codes of one woman (`None` = missing).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Codes {
    pub v007: Option<i32>,
    pub v020: Option<i32>,
    pub v502: Option<i32>,
    pub v512: Option<i32>,
    pub v525: Option<i32>,
    pub v528: Option<i32>,
    pub v213: Option<i32>,
    pub v225: Option<i32>,
    pub v222: Option<i32>,
    pub m6_1: Option<i32>,
    pub m10_1: Option<i32>,
    pub v215: Option<i32>,
    pub v302a: Option<i32>,
    pub v312: Option<i32>,
    pub v605: Option<i32>,
    pub v3a08d: Option<i32>,
}

/// Accepted codes of each variable: whole numbers in a range, or a set.
const YES_NO: Domain = Domain::Set(&[0, 1], "0, 1");
const D_V007: Domain = Domain::Range(0, 9999);
const D_V502: Domain = Domain::Set(&[0, 1, 2], "0, 1, 2");
const D_0_99: Domain = Domain::Range(0, 99);
const D_WANTED: Domain = Domain::Set(WANTEDNESS, "1, 2, 3, 4, 8, 9");
const D_V222: Domain = Domain::Range(0, 600);
const D_V302A: Domain = Domain::Range(0, 9);
const D_V605: Domain = Domain::Range(1, 9);

impl WomanRecode {
    /// The validated codes when every value is acceptable (the fast path,
    /// building no error).
    #[inline(always)]
    fn codes(&self) -> Option<Codes> {
        #[inline(always)]
        fn c(d: Domain, x: f64) -> Option<Option<i32>> {
            if x.is_nan() {
                return Some(None);
            }
            #[allow(clippy::cast_possible_truncation)]
            let v = x as i32; // saturating; NaN handled above
            (f64::from(v) == x && d.accepts(v)).then_some(Some(v))
        }
        Some(Codes {
            v007: c(D_V007, self.v007)?,
            v020: c(YES_NO, self.v020)?,
            v502: c(D_V502, self.v502)?,
            v512: c(D_0_99, self.v512)?,
            v525: c(D_0_99, self.v525)?,
            v528: c(D_0_99, self.v528)?,
            v213: c(YES_NO, self.v213)?,
            v225: c(D_WANTED, self.v225)?,
            v222: c(D_V222, self.v222)?,
            m6_1: c(D_0_99, self.m6_1)?,
            m10_1: c(D_WANTED, self.m10_1)?,
            v215: c(Domain::V215, self.v215)?,
            v302a: c(D_V302A, self.v302a)?,
            v312: c(D_0_99, self.v312)?,
            v605: c(D_V605, self.v605)?,
            v3a08d: c(YES_NO, self.v3a08d)?,
        })
    }

    /// Validates every value; on failure `push` receives one error per bad
    /// value (its path is the variable name) and the result is `None`.
    #[inline]
    pub(crate) fn validate(&self, push: impl FnMut(FieldError)) -> Option<Codes> {
        match self.codes() {
            Some(c) => Some(c),
            None => {
                self.report(push);
                None
            }
        }
    }

    /// Every bad value's error, in variable order.
    #[cold]
    fn report(&self, mut push: impl FnMut(FieldError)) {
        let fields: [(&'static str, f64, Domain); 16] = [
            ("v007", self.v007, D_V007),
            ("v020", self.v020, YES_NO),
            ("v502", self.v502, D_V502),
            ("v512", self.v512, D_0_99),
            ("v525", self.v525, D_0_99),
            ("v528", self.v528, D_0_99),
            ("v213", self.v213, YES_NO),
            ("v225", self.v225, D_WANTED),
            ("v222", self.v222, D_V222),
            ("m6_1", self.m6_1, D_0_99),
            ("m10_1", self.m10_1, D_WANTED),
            ("v215", self.v215, Domain::V215),
            ("v302a", self.v302a, D_V302A),
            ("v312", self.v312, D_0_99),
            ("v605", self.v605, D_V605),
            ("v3a08d", self.v3a08d, YES_NO),
        ];
        for (name, x, d) in fields {
            if let Err(e) = d.check(name, x) {
                push(e);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn survey_ids() {
        let id7 = SurveyId::parse(" ID7 ").unwrap();
        assert_eq!((id7.as_str(), id7.phase()), ("ID7", b'7'));
        let f = id7.flags();
        assert!(f.reads_v302a && f.reads_v3a08d && !f.married_only && f.hysterectomy_993);
        let id5 = SurveyId::parse("ID5").unwrap().flags();
        assert!(!id5.reads_v302a && id5.reads_v3a08d);
        assert!(SurveyId::parse("GH2").unwrap().flags().married_only);
        assert!(SurveyId::parse("NP5").unwrap().flags().married_only);
        assert!(!SurveyId::parse("TR3").unwrap().flags().hysterectomy_993);
        assert!(SurveyId::parse("NI2").unwrap().flags().ni2);
        assert_eq!(SurveyId::parse("").unwrap_err().code(), ErrorCode::Required);
        assert_eq!(
            SurveyId::parse("ID").unwrap_err().code(),
            ErrorCode::InvalidCode
        );
    }

    #[test]
    fn domains() {
        let mut errs = Vec::new();
        let w = WomanRecode {
            v213: 2.0,
            v605: 0.0,
            v215: 50.0,
            v222: 1.5,
            v312: f64::INFINITY,
            ..WomanRecode::default()
        };
        assert!(w.validate(|e| errs.push(e)).is_none());
        let got: Vec<(String, &str)> = errs
            .iter()
            .map(|e| (e.path().to_string(), e.code().as_str()))
            .collect();
        assert_eq!(
            got,
            [
                ("v213".to_owned(), "invalid_code"),
                ("v222".to_owned(), "invalid_type"),
                ("v215".to_owned(), "invalid_code"),
                ("v312".to_owned(), "not_finite"),
                ("v605".to_owned(), "out_of_range"),
            ]
        );
        let ok = WomanRecode {
            v215: 995.0,
            v225: 8.0,
            ..WomanRecode::default()
        };
        let c = ok.validate(|_| panic!("valid")).unwrap();
        assert_eq!((c.v215, c.v225, c.v213), (Some(995), Some(8), None));
        let huge = WomanRecode {
            v007: 1e300,
            ..WomanRecode::default()
        };
        assert!(huge.validate(|_| {}).is_none());
    }
}
