/** Default token lifetimes, seconds. */
export const ID_TOKEN_TTL = 3600;
export const ACCESS_TOKEN_TTL = 600;
