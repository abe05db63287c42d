// Request body limits: 1 MiB for JSON, 5 MiB for CSV imports.
export const BODY_LIMIT = 1024 * 1024;
export const CSV_BODY_LIMIT = 5 * 1024 * 1024;
