//! The words Windows writes around an event, in the languages certwiz reads: the labels of Event
//! Viewer's "Copy details as text" (Vista and later) and of the Windows Server 2003 event properties
//! dialog, the property names of `Get-WinEvent | Format-List` / `Get-EventLog | Format-List` (English in
//! every language: PowerShell property names are not translated), the XML view's elements
//! (language-neutral), and the level words each language shows.
//!
//! Where each language's labels were read (public copies of real events, not invented):
//! - German: Microsoft Learn (de-de) "Remote Desktop Services issues" and SQL Server error 17659 pages
//!   ("Protokollname / Quelle / Datum / Ereignis-ID / Aufgabenkategorie / Ebene / Beschreibung", level
//!   "Fehler"); a SharePoint blog paste with `&nbsp;` between label and value.
//! - French: Microsoft's Event Viewer help in French (forsenergy.com/fr-fr/eventviewer: "Source",
//!   "ID de l'événement", "Niveau", "Erreur", "Avertissement"), and an Event Viewer copy rendered as
//!   "Nom du journal : / Source : / ID de l’événement :" (a space before the colon, typographic apostrophe).
//! - Spanish: Microsoft Exchange docs (es-es) "Tipo de evento / Origen del evento / Categoría del evento /
//!   Id. del evento / Descripción" (2003 style); Vista style "Nombre de registro / Origen / Nivel".
//! - Italian: an ESENT paste on an Italian blog "Tipo evento: Errore / Origine evento / Categoria evento /
//!   ID evento / Data / Ora: 14.56.53 / Descrizione"; Microsoft Learn (it-it) "ID evento / Origine".
//! - Portuguese: Microsoft Learn (pt-br) TWinUI page "Nome do log / Fonte / Data / ID do evento /
//!   Categoria da tarefa / Nível: erro / Descrição".
//! - Dutch: Microsoft Learn (nl-nl) Remote Desktop troubleshooting "Logboeknaam / Bron / Datum /
//!   Gebeurtenis-id / Taakcategorie / Niveau: Fout / Trefwoorden / Beschrijving".
//! - Japanese: Microsoft Japan support blogs (Azure VM 7031, VSS 8229, DCOM 10036) "ログの名前 / ソース /
//!   日付: 2022/11/11 19:53:07 / イベント ID / タスクのカテゴリ / レベル: エラー, 警告, 情報 / 説明".
//! - Chinese (Simplified): a Security 4688 copy "日志名称 / 来源 / 日期: 2022/12/26 16:33:23 / 事件 ID /
//!   任务类别 / 级别: 信息 / 描述".
//! - Russian: Microsoft Learn (ru-ru) Remote Desktop page and a Citrix license server paste "Имя журнала /
//!   Источник / Дата: 29.07.2011 10:58:49 / Код события (Идентификатор события) / Уровень: Ошибка /
//!   Описание".

/// An event's level, whatever language it was written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Level {
    /// Critical (level 1).
    Critical,
    /// Error (level 2).
    Error,
    /// Warning (level 3).
    Warning,
    /// Information, verbose or audit (levels 0, 4, 5).
    Information,
}

impl Level {
    /// The English word shown in reports.
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Critical => "Critical",
            Level::Error => "Error",
            Level::Warning => "Warning",
            Level::Information => "Information",
        }
    }

    /// Reads a level value: a word in any of the languages above, or the XML / `Level :` number.
    pub fn parse(value: &str) -> Option<Level> {
        let word: String = value
            .trim_start_matches(|c: char| c.is_whitespace() || c == ':' || c == '*')
            .split(|c: char| c.is_whitespace() || c == '<' || c == '*' || c == ',')
            .next()?
            .to_lowercase();
        match word.as_str() {
            "1" => Some(Level::Critical),
            "2" => Some(Level::Error),
            "3" => Some(Level::Warning),
            "0" | "4" | "5" => Some(Level::Information),
            w => LEVEL_WORDS
                .iter()
                .find(|(text, _)| text.to_lowercase() == w)
                .map(|(_, level)| *level),
        }
    }
}

/// Level words per language (lower case where the script has case).
pub const LEVEL_WORDS: &[(&str, Level)] = &[
    ("critical", Level::Critical),
    ("kritisch", Level::Critical),
    ("critique", Level::Critical),
    ("crítico", Level::Critical),
    ("critico", Level::Critical),
    ("kritiek", Level::Critical),
    ("重大", Level::Critical),
    ("关键", Level::Critical),
    ("критический", Level::Critical),
    ("error", Level::Error),
    ("fehler", Level::Error),
    ("erreur", Level::Error),
    ("errore", Level::Error),
    ("erro", Level::Error),
    ("fout", Level::Error),
    ("エラー", Level::Error),
    ("错误", Level::Error),
    ("ошибка", Level::Error),
    ("warning", Level::Warning),
    ("warnung", Level::Warning),
    ("avertissement", Level::Warning),
    ("advertencia", Level::Warning),
    ("avviso", Level::Warning),
    ("aviso", Level::Warning),
    ("waarschuwing", Level::Warning),
    ("警告", Level::Warning),
    ("предупреждение", Level::Warning),
    ("information", Level::Information),
    ("informationen", Level::Information),
    ("informations", Level::Information),
    ("información", Level::Information),
    ("informazioni", Level::Information),
    ("informações", Level::Information),
    ("informatie", Level::Information),
    ("情報", Level::Information),
    ("信息", Level::Information),
    ("сведения", Level::Information),
];

/// Labels whose value is the event's source / provider (followed by an optional space and a colon).
pub const SOURCE_LABELS: &[&str] = &[
    "source",
    "event source",
    "providername",
    "quelle",
    "ereignisquelle",
    "origen",
    "origen del evento",
    "origine",
    "origine evento",
    "fonte",
    "bron",
    "ソース",
    "来源",
    "источник",
    "Источник",
];

/// Labels whose value is the level, within a record.
pub const LEVEL_LABELS: &[&str] = &[
    "level",
    "leveldisplayname",
    "entrytype",
    "ebene",
    "stufe",
    "niveau",
    "nivel",
    "livello",
    "nível",
    "レベル",
    "级别",
    "уровень",
    "Уровень",
];

/// Labels of the Windows Server 2003 dialog's type, which opens each record.
pub const TYPE_LABELS: &[&str] = &[
    "event type",
    "ereignistyp",
    "type d'événement",
    "type d’événement",
    "tipo de evento",
    "tipo evento",
    "gebeurtenistype",
];

/// Labels whose value (on the same or the next line) is the description.
pub const DESCRIPTION_LABELS: &[&str] = &[
    "description",
    "message",
    "beschreibung",
    "descripción",
    "descrizione",
    "descrição",
    "beschrijving",
    "説明",
    "描述",
    "описание",
    "Описание",
];

/// Labels followed by the event ID (anywhere on a line; the number follows).
pub const EVENT_ID_KEYS: &[&str] = &[
    "event id",
    "eventid",
    "event-id",
    "event identifier",
    "ereignis-id",
    "ereigniskennung",
    "id de l'événement",
    "id de l’événement",
    "id d'événement",
    "id d’événement",
    "id. del evento",
    "id. de evento",
    "id del evento",
    "id evento",
    "id do evento",
    "gebeurtenis-id",
    "イベント id",
    "事件 id",
    "идентификатор события",
    "Идентификатор события",
    "код события",
    "Код события",
];

/// Labels of a date (or date and time) value.
pub const DATE_KEYS: &[&str] = &[
    "date:",
    "date :",
    "datum:",
    "fecha:",
    "data:",
    "日付:",
    "日期:",
    "дата:",
    "Дата:",
];

/// Labels of a time value written apart from the date (2003 dialog).
pub const TIME_KEYS: &[&str] = &[
    "time:",
    "zeit:",
    "heure :",
    "heure:",
    "hora:",
    "uhrzeit:",
    "ora:",
    "tijd:",
    "время:",
    "Время:",
];

/// The product-family prefixes of the conferencing servers' event sources: OCS 2007 / R2 write "OCS
/// User Services", Lync 2010 to Skype for Business 2019 write "LS User Services"; some exports name the
/// product in full.
const CONFERENCING_PREFIXES: &[&str] = &[
    "skype for business server",
    "microsoft lync server",
    "lync server",
    "office communications server",
    "communications server",
    "ocs",
    "lcs",
    "ls",
    "rtc",
    "sfb",
];

/// A source name's product family and service, for matching one spelling against another: "LS MCU
/// Infrastructure" and "OCS MCU Infrastructure" are the conferencing family's "mcu infrastructure";
/// "Microsoft-Windows-Schannel" and "Schannel" are both "schannel".
pub fn family(source: &str) -> (&'static str, String) {
    let lower = source.trim().to_lowercase();
    let lower = lower
        .strip_prefix("microsoft-windows-")
        .unwrap_or(&lower)
        .to_owned();
    for prefix in CONFERENCING_PREFIXES {
        if let Some(rest) = lower.strip_prefix(prefix)
            && (rest.is_empty() || rest.starts_with([' ', '-', '_', ':']))
        {
            let service = rest.trim_start_matches([' ', '-', '_', ':']).trim();
            return ("conferencing", service.to_owned());
        }
    }
    ("other", lower)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn levels_are_read_in_every_language_and_as_numbers() {
        for (text, level) in [
            ("Error", Level::Error),
            ("Fehler", Level::Error),
            (" Erreur", Level::Error),
            ("エラー", Level::Error),
            ("Ошибка", Level::Error),
            ("2", Level::Error),
            ("Avertissement", Level::Warning),
            ("警告", Level::Warning),
            ("3</Level>", Level::Warning),
            ("4", Level::Information),
            ("Kritisch", Level::Critical),
        ] {
            assert_eq!(Level::parse(text), Some(level), "{text}");
        }
        assert_eq!(Level::parse("Classic"), None);
    }

    #[test]
    fn source_spellings_of_one_product_share_a_family() {
        assert_eq!(
            family("LS MCU Infrastructure"),
            family("OCS MCU Infrastructure")
        );
        assert_eq!(
            family("Skype for Business Server User Services"),
            family("OCS User Services")
        );
        assert_eq!(family("Microsoft-Windows-Schannel"), family("Schannel"));
        assert_ne!(family("Application Error"), family("LS Server"));
        assert_eq!(
            family("LSASS").0,
            "other",
            "a prefix must end at a word boundary"
        );
    }
}
