#ifndef CEMBEDDINGCACHEBENCHMARKBASELINES_H
#define CEMBEDDINGCACHEBENCHMARKBASELINES_H

#include <stddef.h>
#include <stdint.h>

/// libpng's own decode of a PNG in memory to 8-bit RGB through its simplified API
/// (png_image_begin_read_from_memory, png_image_finish_read) into a freshly allocated buffer,
/// which is freed again: the baseline of the images suite. Returns the first byte of the decoded
/// samples, or -1 on failure.
int embcache_baseline_png_decode_rgb(const uint8_t *data, size_t size);

#endif
