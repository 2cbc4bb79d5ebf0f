// Standard Schema v1 (https://standardschema.dev): the interface zod and
// valibot implement, declared here so that no dependency is needed.
import type { Family, FamilyOptions, NikInfo, NomorKkInfo, RegionInfo, ChildAssessment, Options } from "./kampung";

export interface StandardSchemaV1<Input = unknown, Output = Input> {
  readonly "~standard": {
    readonly version: 1;
    readonly vendor: string;
    readonly validate: (value: unknown) => StandardResult<Output> | Promise<StandardResult<Output>>;
    readonly types?: { readonly input: Input; readonly output: Output } | undefined;
  };
}
export type StandardResult<Output> =
  | { readonly value: Output; readonly issues?: undefined }
  | { readonly issues: ReadonlyArray<StandardIssue> };
export interface StandardIssue {
  readonly message: string;
  readonly path?: ReadonlyArray<PropertyKey | { readonly key: PropertyKey }> | undefined;
  /** kampung's stable error code. */
  readonly code?: string;
  /** The dotted path, e.g. "members.2.birth_date". */
  readonly name?: string;
}

export declare function familySchema(options?: FamilyOptions): StandardSchemaV1<unknown, Family>;
export declare function nikSchema(options?: Options): StandardSchemaV1<unknown, NikInfo>;
export declare function nomorKkSchema(options?: Options): StandardSchemaV1<unknown, NomorKkInfo>;
export declare function regionCodeSchema(options?: Options): StandardSchemaV1<unknown, RegionInfo>;
export declare function childSchema(options?: Options): StandardSchemaV1<unknown, ChildAssessment>;
