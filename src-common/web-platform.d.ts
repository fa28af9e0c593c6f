// The few web-platform APIs src-common uses. Every browser and Node ≥ 18 have them, so code here
// stays portable; they are declared narrowly, just as src-common calls them, because
// tsconfig.common.json type-checks this folder with neither DOM nor Node globals. Only that config
// reads this file (tsconfig.json excludes it); the other environments see the real declarations.
interface AbortSignal {
  readonly aborted: boolean;
  readonly reason: unknown;
  addEventListener(type: 'abort', listener: () => void, options?: { once?: boolean }): void;
  removeEventListener(type: 'abort', listener: () => void): void;
}
interface ReadableStreamReadResultLike<T> {
  done: boolean;
  value?: T;
}
interface ReadableStreamDefaultReader<T> {
  read(): Promise<ReadableStreamReadResultLike<T>>;
}
interface ReadableStream<T = unknown> {
  getReader(): ReadableStreamDefaultReader<T>;
  pipeThrough<U>(transform: { readable: ReadableStream<U>; writable: unknown }): ReadableStream<U>;
}
interface Response {
  readonly ok: boolean;
  readonly status: number;
  readonly body: ReadableStream<Uint8Array> | null;
  text(): Promise<string>;
}
interface RequestInit {
  method?: string;
  headers?: Record<string, string>;
  body?: string;
  signal?: AbortSignal | null;
}
declare function fetch(input: string, init?: RequestInit): Promise<Response>;
declare class TextEncoder {
  encode(input?: string): Uint8Array;
}
declare class TextDecoderStream {
  readonly readable: ReadableStream<string>;
  readonly writable: unknown;
}
