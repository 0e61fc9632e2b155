/** The accounting connection (docs/ramp-api.md §6). */
import {
  AllConnectionsSchema,
  type Connection,
  type ConnectionCreate,
  ConnectionCreateSchema,
  ConnectionSchema,
  type ConnectionSettingsInput,
  ConnectionSettingsInputSchema,
} from "../schemas/accounting.js";
import { enc, type RampCore, V1 } from "./core.js";

export interface ConnectionsApi {
  allConnections(): Promise<Connection[]>;
  createConnection(body: ConnectionCreate): Promise<Connection>;
  getConnection(connectionId: string): Promise<Connection>;
  updateConnectionSettings(connectionId: string, settings: ConnectionSettingsInput): Promise<Connection>;
  /** Disconnects the active API connection (Ramp takes no id). */
  deleteConnection(): Promise<void>;
  reactivateConnection(connectionId: string): Promise<Connection>;
  markReadyToMigrate(connectionId: string): Promise<Connection>;
}

export function connectionsApi({ get, send, del }: RampCore): ConnectionsApi {
  const path = (connectionId: string) => `${V1}/accounting/connection/${enc(connectionId)}`;
  return {
    async allConnections() {
      return (await get(`${V1}/accounting/all-connections`, AllConnectionsSchema)).connections;
    },
    createConnection(body) {
      return send(
        "POST",
        `${V1}/accounting/connection`,
        ConnectionCreateSchema.parse(body),
        ConnectionSchema,
      );
    },
    getConnection(connectionId) {
      return get(path(connectionId), ConnectionSchema);
    },
    updateConnectionSettings(connectionId, settings) {
      const body = { settings: ConnectionSettingsInputSchema.parse(settings) };
      return send("PATCH", path(connectionId), body, ConnectionSchema);
    },
    deleteConnection() {
      return del(`${V1}/accounting/connection`);
    },
    reactivateConnection(connectionId) {
      return send("POST", `${path(connectionId)}/reactivate`, undefined, ConnectionSchema);
    },
    markReadyToMigrate(connectionId) {
      return send("POST", `${path(connectionId)}/ready-to-migrate`, undefined, ConnectionSchema);
    },
  };
}
