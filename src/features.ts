/** The feature modules (bounded contexts), in one list so app.module stays short. */
export const FEATURE_MODULES = [];
