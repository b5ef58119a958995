/** An operation refused: the reason says what is wrong with the request in the user's terms. */
export class SurgeryError extends Error {
  constructor(readonly reason: string) {
    super(reason);
    this.name = 'SurgeryError';
  }
}
