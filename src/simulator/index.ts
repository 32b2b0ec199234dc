/** The Midjourney-proxy simulator: the tests' proxy and the operators' credit-free sandbox. */
export { button, SHOW_DETAILS_ID } from "./buttons.js";
export { DEFAULTS as SIMULATOR_DEFAULTS } from "./options.js";
export { startSimulator } from "./server.js";
export { TRIGGERS, type TriggerRow } from "./triggers.js";
export type {
  Button,
  Dialect,
  Endpoint,
  Envelope,
  Fault,
  MediaLink,
  RecordedRequest,
  RouteStyle,
  Simulator,
  SimulatorOptions,
  TaskStatus,
  TaskWire,
} from "./types.js";
