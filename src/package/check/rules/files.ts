// Every init and media segment a rung references is there (media playlists are checked as they
// are read, in hls.ts). References that are not local files are noted, not fetched.
import type { Facts, FileSize, Manifest } from "../types";
import { findings, type Findings } from "./measure";

const missingWhy = (s: FileSize): string | null => (typeof s === "object" ? s.missing : null);

export function checkFiles(m: Manifest, facts: Facts): Findings {
  const out = findings();
  for (const rung of m.rungs) {
    const f = facts[rung.id];
    if (!f) continue;
    const where = `${m.name} ${rung.id}`;
    rung.inits.forEach((init, i) => {
      const why = missingWhy(f.initBytes[i]!);
      if (why !== null) out.problems.push(`${where}: init segment ${init.uri} ${why}`);
    });
    rung.segments.forEach((seg, i) => {
      const why = missingWhy(f.segmentBytes[i]!);
      if (why !== null) out.problems.push(`${where} segment ${i + 1} (${seg.uri}): ${why}`);
    });
    const remote = [...f.initBytes, ...f.segmentBytes].filter((s) => s === "not local").length;
    if (remote > 0) out.notes.push(`${where}: ${remote} reference(s) not local files: not checked (vps reads files only)`);
  }
  return out;
}
