// Standard Schema v1 adapters (https://standardschema.dev, the interface zod
// and valibot implement) over kampung's validators, so that form libraries
// (react-hook-form's standardSchemaResolver, TanStack Form, VeeValidate)
// use kampung's validation directly. `bind(kampung)` takes the loaded
// package (web, node or bundler build) and returns the schema factories.

function toResult(outcome) {
  if (outcome.status === "valid") return { value: outcome.value };
  return {
    issues: outcome.errors.map((e) => ({
      message: e.message,
      path: e.path,
      // kampung's own details, kept for callers that want them.
      code: e.code,
      name: e.name,
    })),
  };
}

function schema(validate, options) {
  return {
    "~standard": {
      version: 1,
      vendor: "kampung",
      validate(value) {
        return toResult(validate(value, options));
      },
    },
  };
}

export function bind(k) {
  return {
    /** A whole family (Kartu Keluarga) with its cross-field rules. */
    familySchema: (options) => schema(k.validateFamily, options),
    /** One NIK field. */
    nikSchema: (options) => schema(k.validateNik, options),
    /** One Nomor KK field. */
    nomorKkSchema: (options) => schema(k.validateNomorKk, options),
    /** One Kemendagri region code field. */
    regionCodeSchema: (options) => schema(k.validateRegionCode, options),
    /** One child's measurement (growth z-scores as the value). */
    childSchema: (options) => schema(k.growthZscores, options),
  };
}
