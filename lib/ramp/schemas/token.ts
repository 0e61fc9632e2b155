import * as z from "zod";

/** `POST /developer/v1/token` (client credentials) answer; `scope` is sometimes absent (docs/ramp-api.md §2.1). */
export const TokenResponseSchema = z.looseObject({
  access_token: z.string().min(1),
  token_type: z.string().optional(),
  expires_in: z.number().int().positive(),
  scope: z.string().optional(),
});
export type TokenResponse = z.infer<typeof TokenResponseSchema>;
