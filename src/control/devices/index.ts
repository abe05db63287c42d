// Device attribution: which device (and which side of the flow) a new flow belongs to.
export { DeviceDirectory, DEFAULT_MAX_UNREGISTERED } from './device-directory.js';
export type { DeviceInfo, DeviceDirectoryOptions, AttributionMode } from './device-directory.js';
