/**
 * The UI Export button's warning. The guide ("Block UI exports"): the manual Export button marks
 * objects as synced without notifying the integration, and customers on API-based connections
 * should never click it. Ramp's own dialog text is not documented; this one says what happens.
 */
export const EXPORT_WARNING =
  "Export marks these objects as synced in Ramp WITHOUT sending them to your ERP: the integration is not told and will never post them. Continue?";
