import { errors as joseErrors, jwtVerify, SignJWT } from 'jose';
import { CodedError, type CodeOf } from '../errors/coded-error';

/**
 * The feedback request's link (回访): a JWT (HS256) naming the person, the
 * event and the notification that asked, with an expiry. The notification
 * is the link's one-time key: public.feedback_link_use takes it once.
 */
const ISSUER = 'grid-dispatch';
const AUDIENCE = 'grid-dispatch:feedback-link';

export interface FeedbackLinkClaims {
  readonly notificationId: string;
  readonly personCode: string;
  readonly eventId: string;
}

export const FeedbackLinkErrorCode = {
  LINK_INVALID: 'LINK_INVALID',
  LINK_EXPIRED: 'LINK_EXPIRED',
  LINK_USED: 'LINK_USED',
} as const;
export type FeedbackLinkErrorCode = CodeOf<typeof FeedbackLinkErrorCode>;

export class FeedbackLinkError extends CodedError<FeedbackLinkErrorCode> {
  constructor(code: FeedbackLinkErrorCode, message: string) {
    super(code, message);
  }
}

export class FeedbackLinks {
  private readonly key: Uint8Array;

  constructor(
    secret: string,
    private readonly publicUrl: string,
    private readonly validHours: number,
  ) {
    this.key = new TextEncoder().encode(secret);
  }

  async url(claims: FeedbackLinkClaims, issuedAt: Date = new Date()): Promise<string> {
    const token = await new SignJWT({ eventId: claims.eventId, person: claims.personCode })
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setJti(claims.notificationId)
      .setIssuedAt(Math.floor(issuedAt.getTime() / 1000))
      .setExpirationTime(Math.floor(issuedAt.getTime() / 1000) + this.validHours * 3600)
      .sign(this.key);
    return `${this.publicUrl}/feedback/${token}`;
  }

  async verify(token: string): Promise<FeedbackLinkClaims> {
    try {
      const { payload } = await jwtVerify(token, this.key, { issuer: ISSUER, audience: AUDIENCE, algorithms: ['HS256'] });
      if (typeof payload.jti !== 'string' || typeof payload.eventId !== 'string' || typeof payload.person !== 'string') {
        throw new FeedbackLinkError(FeedbackLinkErrorCode.LINK_INVALID, 'this feedback link is not valid');
      }
      return { notificationId: payload.jti, personCode: payload.person, eventId: payload.eventId };
    } catch (error) {
      if (error instanceof FeedbackLinkError) throw error;
      if (error instanceof joseErrors.JWTExpired) throw new FeedbackLinkError(FeedbackLinkErrorCode.LINK_EXPIRED, 'this feedback link has expired: answer in the app instead');
      throw new FeedbackLinkError(FeedbackLinkErrorCode.LINK_INVALID, 'this feedback link is not valid');
    }
  }
}
