/** Reports of a cross-check: terminal table, JSON, self-contained HTML. */
export { formatCrossCheckTable } from './table';
export { crossCheckJson, writeJsonReport } from './json';
export { escapeHtml, renderHtmlReport, writeHtmlReport } from './html';
export type { HtmlReportOptions, ReportVerdict } from './html';
