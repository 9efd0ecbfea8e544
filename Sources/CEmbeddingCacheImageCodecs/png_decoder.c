#include "CEmbeddingCacheImageCodecs.h"

#include <png.h>
#include <stdlib.h>
#include <string.h>

struct embcache_png_decoder {
    png_structp png;
    png_infop info;
    const uint8_t *data;
    size_t size;
    size_t offset;
    char message[EMBCACHE_CODEC_MESSAGE_CAPACITY];
};

static void on_error(png_structp png, png_const_charp message) {
    embcache_png_decoder *decoder = png_get_error_ptr(png);
    snprintf(decoder->message, sizeof decoder->message, "%s", message);
    png_longjmp(png, 1);
}

static void on_warning(png_structp png, png_const_charp message) {
    (void)png;
    (void)message;
}

static void read_bytes(png_structp png, png_bytep out, size_t length) {
    embcache_png_decoder *decoder = png_get_io_ptr(png);
    if (length > decoder->size - decoder->offset) png_error(png, "the file ends early (truncated)");
    memcpy(out, decoder->data + decoder->offset, length);
    decoder->offset += length;
}

embcache_png_decoder *embcache_png_decoder_create(const uint8_t *data, size_t size) {
    embcache_png_decoder *decoder = calloc(1, sizeof *decoder);
    if (decoder == NULL) return NULL;
    decoder->data = data;
    decoder->size = size;
    decoder->png = png_create_read_struct(PNG_LIBPNG_VER_STRING, decoder, on_error, on_warning);
    if (decoder->png != NULL) decoder->info = png_create_info_struct(decoder->png);
    if (decoder->info == NULL) {
        embcache_png_decoder_destroy(decoder);
        return NULL;
    }
    png_set_read_fn(decoder->png, decoder, read_bytes);
    return decoder;
}

void embcache_png_decoder_destroy(embcache_png_decoder *decoder) {
    if (decoder == NULL) return;
    if (decoder->png != NULL) png_destroy_read_struct(&decoder->png, decoder->info ? &decoder->info : NULL, NULL);
    free(decoder);
}

const char *embcache_png_decoder_message(const embcache_png_decoder *decoder) { return decoder->message; }

int embcache_png_read_header(embcache_png_decoder *decoder, embcache_png_header *header) {
    png_structp png = decoder->png;
    png_infop info = decoder->info;
    if (setjmp(png_jmpbuf(png))) return -1;
    png_read_info(png, info);
    int color_type = png_get_color_type(png, info);
    int bit_depth = png_get_bit_depth(png, info);
    if (color_type == PNG_COLOR_TYPE_PALETTE) png_set_palette_to_rgb(png);
    if (color_type == PNG_COLOR_TYPE_GRAY && bit_depth < 8) png_set_expand_gray_1_2_4_to_8(png);
    if (png_get_valid(png, info, PNG_INFO_tRNS)) png_set_tRNS_to_alpha(png);
    png_set_interlace_handling(png);
    png_read_update_info(png, info);
    header->width = png_get_image_width(png, info);
    header->height = png_get_image_height(png, info);
    header->channels = png_get_channels(png, info);
    header->bit_depth = png_get_bit_depth(png, info);
    header->file_color_type = color_type;
    header->file_bit_depth = bit_depth;
    header->row_bytes = png_get_rowbytes(png, info);
    return 0;
}

int embcache_png_read_pixels(embcache_png_decoder *decoder, uint8_t *pixels, size_t row_bytes) {
    png_structp png = decoder->png;
    uint32_t height = png_get_image_height(png, decoder->info);
    png_bytep *volatile rows = malloc(sizeof(png_bytep) * (height ? height : 1));
    if (rows == NULL) {
        snprintf(decoder->message, sizeof decoder->message, "out of memory for the row table");
        return -1;
    }
    for (uint32_t row = 0; row < height; row++) rows[row] = pixels + (size_t)row * row_bytes;
    if (setjmp(png_jmpbuf(png))) {
        free(rows);
        return -1;
    }
    png_read_image(png, rows);
    png_read_end(png, NULL);
    free(rows);
    return 0;
}
