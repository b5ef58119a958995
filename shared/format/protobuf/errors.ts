/** A decode failure with the byte offset where the input stopped making sense and the field path. */
export class DecodeError extends Error {
  /** Schema field names from the root to the field being decoded, filled in as the error unwinds. */
  readonly path: string[] = [];
  constructor(readonly reason: string, readonly offset: number) {
    super(`${reason} at byte ${offset}`);
    this.name = 'DecodeError';
  }

  /** "truncated at byte 12 in description.input[0].name" */
  describe(): string {
    return `${this.reason} at byte ${this.offset}${this.path.length ? ` in ${this.path.join('.')}` : ''}`;
  }
}
