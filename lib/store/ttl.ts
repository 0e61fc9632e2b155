/** DynamoDB TTL wants epoch seconds. */
export const ttlSeconds = (epochMs: number) => Math.ceil(epochMs / 1000);
