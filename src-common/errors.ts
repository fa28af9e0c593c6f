// The one error type that crosses the API boundary. `code` is stable and machine-readable;
// `message` is for people and names what is wrong and where; `problems` lists every issue found
// (e.g. each bad line of an import) so a user can fix them all at once.

export type ErrorCode =
  | 'invalid_input' // API input failed validation
  | 'invalid_file' // an imported file is malformed (problems give file:line:field)
  | 'not_found'
  | 'conflict' // e.g. a session id already imported with different content
  | 'unsupported' // e.g. a database written by a newer version of the workbench
  | 'cancelled'
  | 'unauthorized'
  | 'internal';

export interface Problem {
  /** Where: "file.jsonl:12:events[3].results[0].position", or an input path like "limit". */
  where: string;
  message: string;
}

export interface ApiErrorJson {
  code: ErrorCode;
  message: string;
  problems: Problem[];
}

export class ApiError extends Error {
  readonly code: ErrorCode;
  readonly problems: Problem[];
  constructor(code: ErrorCode, message: string, problems: Problem[] = []) {
    super(message);
    this.name = 'ApiError';
    this.code = code;
    this.problems = problems;
  }
  toJSON(): ApiErrorJson {
    return { code: this.code, message: this.message, problems: this.problems };
  }
  static fromJSON(j: ApiErrorJson): ApiError {
    return new ApiError(j.code, j.message, j.problems ?? []);
  }
}
