#ifndef CEMBEDDINGCACHEIMAGECODECS_H
#define CEMBEDDINGCACHEIMAGECODECS_H

// The setjmp-guarded calls into libpng and libjpeg that Swift cannot make itself: both libraries
// report errors by longjmp. Each function returns 0 on success and -1 on failure, with the
// library's message in the decoder's or output's message buffer. The policy (limits, layouts,
// orientation, error wording) lives in Swift.

#include <stddef.h>
#include <stdint.h>

/// The capacity of every message buffer, terminator included.
#define EMBCACHE_CODEC_MESSAGE_CAPACITY 200

// MARK: - PNG decoding

/// A PNG decoder over bytes in memory; the bytes must outlive it.
typedef struct embcache_png_decoder embcache_png_decoder;

/// A PNG's header, describing the samples the decoder produces: palettes expanded to RGB, grey
/// below 8 bits expanded to 8, a tRNS chunk expanded to an alpha channel, interlacing undone.
typedef struct {
    uint32_t width;
    uint32_t height;
    /// 1 grey, 2 grey+alpha, 3 RGB, 4 RGBA.
    int channels;
    /// 8 or 16.
    int bit_depth;
    /// The file's own colour type (0, 2, 3, 4 or 6) and bit depth, for messages.
    int file_color_type;
    int file_bit_depth;
    /// Bytes per decoded row.
    size_t row_bytes;
} embcache_png_header;

/// Creates a decoder, or returns NULL when memory runs out.
embcache_png_decoder *embcache_png_decoder_create(const uint8_t *data, size_t size);
/// Releases the decoder.
void embcache_png_decoder_destroy(embcache_png_decoder *decoder);
/// The message of the last failure.
const char *embcache_png_decoder_message(const embcache_png_decoder *decoder);
/// Reads the chunks up to the image data and sets the expansions; allocates no pixel memory.
int embcache_png_read_header(embcache_png_decoder *decoder, embcache_png_header *header);
/// Decodes every row into `pixels` (`height` rows of `row_bytes`), then reads to IEND.
int embcache_png_read_pixels(embcache_png_decoder *decoder, uint8_t *pixels, size_t row_bytes);

// MARK: - JPEG decoding

/// A JPEG decoder over bytes in memory; the bytes must outlive it.
typedef struct embcache_jpeg_decoder embcache_jpeg_decoder;

/// The colour spaces of a JPEG's components.
typedef enum {
    EMBCACHE_JPEG_GREY = 1,
    /// YCbCr or RGB: decoded to RGB.
    EMBCACHE_JPEG_COLOUR = 3,
    EMBCACHE_JPEG_CMYK = 4,
    EMBCACHE_JPEG_YCCK = 5,
    EMBCACHE_JPEG_UNKNOWN = 0,
} embcache_jpeg_colour_space;

/// A JPEG's header.
typedef struct {
    uint32_t width;
    uint32_t height;
    int components;
    embcache_jpeg_colour_space colour_space;
} embcache_jpeg_header;

/// Creates a decoder, or returns NULL when memory runs out.
embcache_jpeg_decoder *embcache_jpeg_decoder_create(const uint8_t *data, size_t size);
/// Releases the decoder.
void embcache_jpeg_decoder_destroy(embcache_jpeg_decoder *decoder);
/// The message of the last failure.
const char *embcache_jpeg_decoder_message(const embcache_jpeg_decoder *decoder);
/// Reads the markers up to the first scan, keeping APP1 markers; allocates no pixel memory.
int embcache_jpeg_read_header(embcache_jpeg_decoder *decoder, embcache_jpeg_header *header);
/// The payload of the `index`th APP1 marker (after the length field), valid until the decoder is
/// destroyed; -1 when there are fewer.
int embcache_jpeg_app1(const embcache_jpeg_decoder *decoder, int index, const uint8_t **data, size_t *size);
/// Decodes every row into `pixels` as grey (`channels` 1) or RGB (`channels` 3). Any libjpeg
/// warning (corrupt or truncated data) is a failure, and so is a progressive file of more than
/// `max_scans` scans.
int embcache_jpeg_read_pixels(
    embcache_jpeg_decoder *decoder, int channels, unsigned max_scans, uint8_t *pixels, size_t row_bytes);

// MARK: - Writing

/// Encoded bytes, allocated with malloc: release them with `embcache_codec_output_free`.
typedef struct {
    uint8_t *data;
    size_t size;
    char message[EMBCACHE_CODEC_MESSAGE_CAPACITY];
} embcache_codec_output;

/// Releases the output's bytes.
void embcache_codec_output_free(embcache_codec_output *output);

/// Writes a PNG: `channels` 1 to 4 (grey, grey+alpha, RGB, RGBA), `bit_depth` 8 or 16 (samples
/// big-endian), zlib `compression_level` 0 to 9, Adam7 when `interlaced`, and `text_count` tEXt
/// chunks (Latin-1 keywords and texts).
int embcache_png_write(
    const uint8_t *pixels, uint32_t width, uint32_t height, size_t row_bytes, int channels, int bit_depth,
    int compression_level, int interlaced, const char *const *text_keys, const char *const *text_values,
    int text_count, embcache_codec_output *output);

/// Writes a baseline JPEG of 8-bit grey (`channels` 1) or RGB (`channels` 3) at `quality` 1 to
/// 100, with an APP1 marker holding `app1` when `app1_size` is above 0.
int embcache_jpeg_write(
    const uint8_t *pixels, uint32_t width, uint32_t height, size_t row_bytes, int channels, int quality,
    const uint8_t *app1, size_t app1_size, embcache_codec_output *output);

#endif
