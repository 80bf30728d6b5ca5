// The --help texts: each option says its default once. Commander appends `(default: X)` for an
// option given a default value, so a description that names it too says it twice.
import type { Command, Option } from "commander";
import { describe, expect, test } from "vitest";
import { program } from "../../src/cli/main";

function commands(cmd: Command, path: string[] = []): [string, Command][] {
  return cmd.commands.flatMap((c) => [[[...path, c.name()].join(" "), c] as [string, Command], ...commands(c, [...path, c.name()])]);
}

const all = commands(program());
const options = all.flatMap(([name, cmd]) => cmd.options.map((o: Option) => [`vps ${name} ${o.long ?? o.flags}`, cmd.createHelp().optionDescription(o)] as const));

describe("vps … --help", () => {
  test("reads every command (and the subcommands of bench, recipes, farm)", () => {
    expect(all.map(([n]) => n)).toEqual(expect.arrayContaining(["plan", "simulate", "forecast", "run", "worker", "recipes explain", "farm status"]));
    expect(options.length).toBeGreaterThan(50);
  });

  test.each(options)("%s states its default at most once", (_flag, text) => {
    // The word, not a file named so (scenarios/default.yaml).
    expect(text.match(/(?<![/\w])default\b(?![./\w])/g)?.length ?? 0, text).toBeLessThanOrEqual(1);
  });

  test("simulate's --scenario and --noise: one default each", () => {
    const help = (flag: string) => options.find(([f]) => f === `vps simulate ${flag}`)![1];
    expect(help("--scenario")).toBe("a shipped scenario name or a scenario YAML file (default: scenarios/default.yaml)");
    expect(help("--noise")).toMatch(/learns; 0\.231 is the spread measured in the transcode times \(default: 0\.231\)$/);
  });
});
