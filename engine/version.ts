/** The Zeebe version the gateway reports; clients and Camunda Modeler's lint rules read it. */
export const ENGINE_VERSION = '8.6.0';
