// SPDX-License-Identifier: MIT
/**
 * What the setup wizard (AOSP ManagedProvisioning) shows when a provisioning task fails, per Android release: a table
 * of data files (`devices/android-setup-texts/*.yaml`, documented in devices/README.md "Android setup wizard texts"),
 * one per group of releases whose texts are the same, each naming the API levels it was checked at, the published
 * source (res/values/strings.xml at that release's branch) and, per text, the string resource it is. A user adds or
 * replaces rows with a directory of their own (`--devices DIR` reads `DIR/android-setup-texts/`): an OEM's setup wizard
 * worded differently (`manufacturer`), or a release nobody checked yet.
 *
 * A device picks the row of its current API level (the row of its manufacturer first). A release no row was checked at
 * is never given another release's text silently: the nearest checked release's text is shown and the screen says
 * which (`SetupTextCatalog.pick`). Reading the files is runner/catalog-files.ts's job.
 */
import { isScalar, isSeq } from "yaml";
import { ScenarioError } from "../../errors/index.js";
import { readYaml, type MapReader } from "../catalog-reader.js";
import { lookupRefusal, readRefusals, type RefusalCause, type RefusalTable, type RefusalText } from "./refusal-texts.js";

/** The failures whose text the table holds: the task error constants ManagedProvisioning maps to a dialog message. */
export const SETUP_TEXT_KEYS = ["hashMismatch", "downloadFailed", "packageInvalid", "installationFailed"] as const;
export type SetupTextKey = (typeof SETUP_TEXT_KEYS)[number];

export interface SetupText {
  /** The string resource in the release's res/values/strings.xml (`device_owner_error_hash_mismatch`). */
  string: string;
  text: string;
  /**
   * The task error constant the release reports, where it differs from Android 8+'s (wire/android/provisioning-errors.ts):
   * before 8.0 the checksum was DownloadPackageTask's and a missing admin receiver InstallPackageTask's; from 13 both are
   * VerifyAdminPackageTask's (VerifyPackageTask renamed, the same values).
   */
  constant?: { task: string; name: string; value: number };
}

export interface SetupTextRow {
  id: string;
  /** "Android 5.0–7.1": how the docs and the screen name the releases. */
  release: string;
  /** The API levels whose strings were checked and are these (not a range: a level nobody checked is not claimed). */
  apiLevels: number[];
  /** Build.MANUFACTURER of an OEM whose setup wizard words it differently (a source must say so); absent: AOSP's. */
  manufacturer?: string;
  /** The published source: strings.xml (and the code that picks the strings) at each checked release. */
  source: string;
  /** The task error dialog's title (ManagedProvisioning `provisioning_error_title` / `cant_set_up_device`); with `texts`. Absent: not checked. */
  title?: SetupText;
  /** The task error dialogs' messages. Absent: not checked at these levels (another row may hold them). */
  texts?: Record<SetupTextKey, SetupText>;
  /** The dialogs for a refused checkProvisioningPreCondition, per action and code (device/android/refusal-texts.ts). Absent: not checked. */
  refusals?: RefusalTable;
  /** The dialog a user confirms to stop a device-owner provisioning (Back / Cancel): it wipes the device. Absent: not checked. */
  cancelReset?: { title?: SetupText; message: SetupText; confirm: SetupText; dismiss: SetupText };
}

const ID = /^[a-z0-9][a-z0-9-]*$/;
const ROOT_KEYS = ["id", "release", "apiLevels", "manufacturer", "source", "title", "texts", "cancelReset", "refusals"] as const;
/** The parts of a row: two rows may claim the same API level for different parts. */
const PARTS = ["texts", "cancelReset", "refusals"] as const;
const TEXT_HINT = '{string: <resource name>, text: "<the text as the device shows it>"}';

export function parseSetupTextEntry(text: string, fileName: string): SetupTextRow {
  const r = readYaml(text, fileName);
  const root = r.map(r.doc.contents, "setup text row", "a mapping of setup text fields").only(ROOT_KEYS);
  const id = root.str("id", ID, "lower-case letters, digits and dashes, e.g. aosp-21-22");
  const baseName = /([^\\/]+)\.ya?ml$/.exec(fileName)?.[1];
  if (baseName !== undefined && baseName !== id) r.fail(root.node("id"), `id "${id}" does not match the file name ${baseName}.yaml`, `id: ${baseName}`);
  if (!PARTS.some((p) => root.has(p))) r.fail(root.self, `setup text row has none of ${PARTS.join(", ")}`, `at least one of ${PARTS.join(", ")}`);
  let texts: { title: SetupText; texts: Record<SetupTextKey, SetupText> } | undefined;
  if (root.has("texts") || root.has("title")) {
    const t = root.map("texts", `a mapping of ${SETUP_TEXT_KEYS.join(", ")}`).only(SETUP_TEXT_KEYS);
    const out = {} as Record<SetupTextKey, SetupText>;
    for (const k of SETUP_TEXT_KEYS) out[k] = readText(t, k, true);
    texts = { title: readText(root, "title"), texts: out };
  }
  const manufacturer = root.optStr("manufacturer");
  return {
    id,
    release: root.str("release", undefined, 'the releases, e.g. "Android 5.0–7.1"'),
    apiLevels: readLevels(root),
    ...(manufacturer ? { manufacturer } : {}),
    source: root.str("source", /^https:\/\//, "the https URL of the published strings"),
    ...(texts ?? {}),
    ...(root.has("refusals") ? { refusals: readRefusals(root.map("refusals", "{source, managedProfile, deviceOwner, organisationOwned?}"), (m, k) => readText(m, k)) } : {}),
    ...(root.has("cancelReset") ? { cancelReset: readCancel(root.map("cancelReset", "{title?, message, confirm, dismiss}").only(["title", "message", "confirm", "dismiss"])) } : {}),
  };
}

function readCancel(m: MapReader): NonNullable<SetupTextRow["cancelReset"]> {
  return { ...(m.has("title") ? { title: readText(m, "title") } : {}), message: readText(m, "message"), confirm: readText(m, "confirm"), dismiss: readText(m, "dismiss") };
}

const CONSTANT = /^([A-Za-z]+Task)\.(ERROR_[A-Z_]+) \((\d+)\)$/;

function readText(m: MapReader, key: string, constant = false): SetupText {
  const t = m.map(key, TEXT_HINT).only(constant ? ["string", "text", "constant"] : ["string", "text"]);
  const out: SetupText = { string: t.str("string", /^[a-z0-9_]+$/, "a string resource name such as device_owner_error_hash_mismatch"), text: t.str("text") };
  const c = constant ? t.optStr("constant", CONSTANT, 'the task error constant as "DownloadPackageTask.ERROR_HASH_MISMATCH (0)"') : undefined;
  const parts = c ? CONSTANT.exec(c) : null;
  if (parts) out.constant = { task: parts[1]!, name: parts[2]!, value: Number(parts[3]) };
  return out;
}

function readLevels(root: MapReader): number[] {
  const expected = "a non-empty list of API levels from 21 to 40, e.g. [21, 22]";
  const node = root.node("apiLevels");
  if (!root.has("apiLevels")) root.r.fail(root.self, 'setup text row is missing required field "apiLevels"', `apiLevels: ${expected}`);
  if (!isSeq(node) || node.items.length === 0) return root.r.fail(node, `apiLevels must be ${expected}`, expected);
  const seen = new Set<number>();
  return node.items.map((item) => {
    const n = root.r.resolve(item);
    const v = isScalar(n) ? n.value : undefined;
    if (typeof v !== "number" || !Number.isInteger(v) || v < 21 || v > 40) return root.r.fail(n ?? node, `apiLevels: ${String(v)} is not an API level with device-owner provisioning (21 to 40)`, expected);
    if (seen.has(v)) root.r.fail(n, `apiLevels: ${v} is listed twice`, "each API level once");
    seen.add(v);
    return v;
  });
}

/** A text picked for a device: the row it comes from, and a note when that row was not checked at the device's release. */
export interface PickedSetupText {
  title: string;
  text: string;
  constant?: SetupText["constant"];
  row: SetupTextRow;
  /** Set when no row was checked at the device's API level (and manufacturer): which release's text is shown instead. */
  note?: string;
}

/** The rows, by id; a device's text is picked by API level, its manufacturer's rows first. */
export class SetupTextCatalog {
  private readonly rows: SetupTextRow[];

  constructor(rows: readonly SetupTextRow[] = []) {
    const ids = new Set<string>();
    const at = new Map<string, string>();
    for (const row of rows) {
      if (ids.has(row.id)) throw new ScenarioError(`setup text row "${row.id}" is defined twice`);
      ids.add(row.id);
      for (const part of PARTS.filter((p) => row[p] !== undefined))
        for (const l of row.apiLevels) {
          const key = `${part}|${row.manufacturer ?? ""}|${l}`;
          const other = at.get(key);
          if (other)
            throw new ScenarioError(
              `setup text rows "${other}" and "${row.id}" both claim API ${l}${row.manufacturer ? ` for ${row.manufacturer}` : ""} (${part})`,
              undefined,
              "one row per API level (and manufacturer) for each of texts, cancelReset and refusals; replace a shipped row by giving yours its id",
            );
          at.set(key, row.id);
        }
    }
    this.rows = [...rows];
  }

  list(): SetupTextRow[] {
    return [...this.rows].sort((a, b) => a.apiLevels[0]! - b.apiLevels[0]! || a.id.localeCompare(b.id));
  }

  /**
   * The text a device on `apiLevel` made by `manufacturer` shows for `key`: its manufacturer's row for that level, else
   * AOSP's, else the nearest checked level (manufacturer's rows first; the lower of two equally near), with a note
   * naming it. Undefined when the table is empty.
   */
  pick(key: SetupTextKey, apiLevel: number, manufacturer?: string): PickedSetupText | undefined {
    const r = this.row(apiLevel, manufacturer, (row) => row.texts !== undefined);
    if (!r) return undefined;
    const t = r.row.texts![key];
    return { title: r.row.title!.text, text: t.text, ...(t.constant ? { constant: t.constant } : {}), row: r.row, ...(r.note ? { note: r.note } : {}) };
  }

  /**
   * The device-owner cancel dialog of a device on `apiLevel` (a row that has one: the same choice as `pick`), with the
   * note when it is another release's. Undefined when no row has one.
   */
  cancelReset(apiLevel: number, manufacturer?: string): { dialog: NonNullable<SetupTextRow["cancelReset"]>; row: SetupTextRow; note?: string } | undefined {
    const r = this.row(apiLevel, manufacturer, (row) => row.cancelReset !== undefined);
    return r ? { dialog: r.row.cancelReset!, row: r.row, ...(r.note ? { note: r.note } : {}) } : undefined;
  }

  /**
   * The dialog a device on `apiLevel` shows for a refused precondition `code` (a CODE_* name as the release spells it) of
   * a work-profile (`managedProfile`) or device-owner provisioning, with the cause the release's code branches on; the
   * same row choice as `pick` among rows that have refusals. Undefined when no row has them.
   */
  refusal(q: { managedProfile: boolean; orgOwned: boolean; code: string; cause?: RefusalCause }, apiLevel: number, manufacturer?: string): { text: RefusalText; key: string; wipes: boolean; row: SetupTextRow; note?: string } | undefined {
    const r = this.row(apiLevel, manufacturer, (row) => row.refusals !== undefined);
    if (!r) return undefined;
    return { ...lookupRefusal(r.row.refusals!, q.managedProfile, q.orgOwned, q.code, q.cause), row: r.row, ...(r.note ? { note: r.note } : {}) };
  }

  private row(apiLevel: number, manufacturer: string | undefined, has: (row: SetupTextRow) => boolean): { row: SetupTextRow; note?: string } | undefined {
    const own = manufacturer ? this.rows.filter((r) => has(r) && r.manufacturer?.toLowerCase() === manufacturer.toLowerCase()) : [];
    const aosp = this.rows.filter((r) => has(r) && r.manufacturer === undefined);
    const exact = own.find((r) => r.apiLevels.includes(apiLevel)) ?? aosp.find((r) => r.apiLevels.includes(apiLevel));
    const shown = (row: SetupTextRow, note?: string) => ({ row, ...(note ? { note } : {}) });
    if (exact) return shown(exact);
    for (const pool of [own, aosp]) {
      let best: { row: SetupTextRow; level: number } | undefined;
      for (const row of pool)
        for (const l of row.apiLevels) {
          const d = Math.abs(l - apiLevel);
          if (!best || d < Math.abs(best.level - apiLevel) || (d === Math.abs(best.level - apiLevel) && l < best.level)) best = { row, level: l };
        }
      if (best) return shown(best.row, `no setup text row was checked at API ${apiLevel}: the text of API ${best.level} (${best.row.release}, row ${best.row.id}) is shown`);
    }
    return undefined;
  }
}
