// The error of a bad setting, in its own module so that readers below the settings table (network-source.ts) can
// raise it without importing the table (which imports the preset list, and so the scenario loader above them).

/** Bad settings: printed as `baton: message` without a stack trace. */
export class SettingsError extends Error {
  override name = 'SettingsError';
}
