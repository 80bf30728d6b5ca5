// Types for the parts of m3u8-parser and mpd-parser that vps uses (the packages ship none).

declare module "m3u8-parser" {
  export interface M3u8ByteRange {
    length: number;
    offset: number;
  }
  export interface M3u8Segment {
    duration?: number;
    uri: string;
    byterange?: M3u8ByteRange;
    map?: { uri: string; byterange?: M3u8ByteRange };
  }
  export interface M3u8Variant {
    uri: string;
    attributes: {
      BANDWIDTH?: number | string;
      "AVERAGE-BANDWIDTH"?: number | string;
      CODECS?: string;
      RESOLUTION?: { width: number; height: number };
      "FRAME-RATE"?: number;
      AUDIO?: string;
    };
  }
  export interface M3u8Rendition {
    uri?: string;
    default?: boolean;
    language?: string;
  }
  export interface M3u8Manifest {
    playlists?: M3u8Variant[];
    segments?: M3u8Segment[];
    mediaGroups?: { AUDIO?: Record<string, Record<string, M3u8Rendition>> };
    targetDuration?: number;
    endList?: boolean;
  }
  export class Parser {
    manifest: M3u8Manifest;
    push(chunk: string): void;
    end(): void;
    on(event: "warn" | "info", listener: (e: { message: string }) => void): void;
  }
}

declare module "mpd-parser" {
  export interface MpdByteRange {
    length: number;
    offset: number;
  }
  export interface MpdSegment {
    uri: string;
    resolvedUri: string;
    duration: number;
    byterange?: MpdByteRange;
    map?: { uri: string; resolvedUri: string; byterange?: MpdByteRange };
  }
  export interface MpdPlaylist {
    attributes: {
      NAME?: string;
      BANDWIDTH?: number;
      CODECS?: string;
      RESOLUTION?: { width: number; height: number };
      "FRAME-RATE"?: number;
    };
    segments?: MpdSegment[];
    /** SegmentBase: the file and its index, whose segments mpd-parser does not list. */
    sidx?: { uri: string; resolvedUri: string; duration: number; map?: { uri: string; resolvedUri: string; byterange?: MpdByteRange } };
  }
  export interface MpdMediaGroup {
    playlists: MpdPlaylist[];
  }
  export interface MpdManifest {
    playlists?: MpdPlaylist[];
    mediaGroups?: { AUDIO?: Record<string, Record<string, MpdMediaGroup>> };
    duration?: number;
  }
  export function parse(manifest: string, options?: { manifestUri?: string }): MpdManifest;
  /** The MPD element of the document (an xmldom Element). */
  export function stringToMpdXml(manifest: string): { getAttribute(name: string): string | null };
}
