// SPDX-License-Identifier: MIT
/** %NAME% templates (device/template.ts): one expansion function, device and run scopes, server-data lists. */
import { describe, expect, it } from "vitest";
import { TemplateValueMissing, expandServerData, expandTemplate, runTemplateValues, templateUses } from "../../src/device/template.js";

const dev = { SERIAL: "C02XK1", UDID: "00008110-000A", INDEX: "3", USER: "user3" };
const run = runTemplateValues({ https: "https://127.0.0.1:41235", http: "http://127.0.0.1:41234", scepUrl: "http://127.0.0.1:41234/scep" });

describe("templates", () => {
  it("expands device and run variables; leaves platform variables, URL escapes and %RAND:4% alone", () => {
    const text = '{"url":"%SERVER%/android/dpc.apk","port":"%PORT%","sn":"%SERIAL%","apple":"%SerialNumber%","esc":"a%2Fb%3Ac","win":"%RAND:4%"}';
    expect(expandTemplate(text, { ...dev, ...run })).toBe('{"url":"https://127.0.0.1:41235/android/dpc.apk","port":"41235","sn":"C02XK1","apple":"%SerialNumber%","esc":"a%2Fb%3Ac","win":"%RAND:4%"}');
    expect(expandTemplate("%PROGRAMFILES%\\Agent\\%SERIAL%.exe", dev)).toBe("%PROGRAMFILES%\\Agent\\C02XK1.exe");
    expect(run).toMatchObject({ HOST: "127.0.0.1", SERVER_HTTP: "http://127.0.0.1:41234", SCEP_URL: "http://127.0.0.1:41234/scep" });
  });

  it("expands one scope only when asked (run variables once the server listens)", () => {
    expect(expandTemplate("%SERVER%/x/%SERIAL%", run, "run")).toBe("https://127.0.0.1:41235/x/%SERIAL%");
  });

  it("a variable the device lacks is an error saying why", () => {
    expect(() => expandTemplate("urn:%UDID%", { SERIAL: "x" })).toThrow(TemplateValueMissing);
    expect(() => expandTemplate("urn:%UDID%", { SERIAL: "x" })).toThrow(/only Apple devices have a UDID/);
  });

  it("finds uses with an optional @group", () => {
    expect(templateUses("%SERIAL@corp%-%IMEI%")).toEqual([
      { name: "SERIAL", group: "corp", text: "%SERIAL@corp%" },
      { name: "IMEI", text: "%IMEI%" },
    ]);
  });

  it("server data: a list item with device variables becomes one per device (of the group); devices without the value add none", () => {
    const devices = [
      { group: "corp", values: { SERIAL: "A1", IMEI: "35001" } },
      { group: "corp", values: { SERIAL: "A2" } },
      { group: "byod", values: { SERIAL: "B1", IMEI: "35003" } },
    ];
    const data = { corporateIdentifiers: { serials: ["FIXED", "%SERIAL@corp%"], imeis: ["%IMEI%"] }, n: 3 };
    expect(expandServerData(data, devices)).toEqual({ corporateIdentifiers: { serials: ["FIXED", "A1", "A2"], imeis: ["35001", "35003"] }, n: 3 });
  });
});
