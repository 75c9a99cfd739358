// The errors live beside the token verification every transport shares.
export * from '../../auth/auth-errors';
