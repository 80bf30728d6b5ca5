// The containers vps reads, named to ffmpeg and ffprobe before every input (`-format_whitelist`).
// Without it ffmpeg probes a file's contents, not its name: a file called ep.mp4 that is really an
// HLS playlist (or another list format) makes ffmpeg open whatever files it names, wherever they
// are. On a farm whoever can write the shared storage could plant one and have a worker copy
// files from outside --shared-dir into an output (measured with ffmpeg 5.1: read without the
// whitelist, "Format not on whitelist" with it).
//
// Names are ffmpeg's demuxer names (mov covers mp4/m4a/3gp, matroska covers webm); the labelled
// corpus in ../shared/data/corpus has mp4, mkv, webm, ts, avi and a raw .264.
export const SOURCE_FORMATS = "mov,matroska,mpegts,mpeg,avi,mxf,flv,yuv4mpegpipe,h264,hevc,ivf";

/** A rendition's join reads the concat list vps writes, and through it the chunks (MP4): the list's demuxer passes the whitelist on. */
export const JOIN_FORMATS = "concat,mov";

/** An input as vps names one: its containers first. */
export const whitelisted = (input: string, formats: string = SOURCE_FORMATS): string[] => ["-format_whitelist", formats, "-i", input];
