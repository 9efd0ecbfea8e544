#include "CEmbeddingCacheImageCodecs.h"

#include <png.h>
#include <stdlib.h>
#include <string.h>

// Heap-allocated, so that what libpng's callbacks change survives the longjmp.
struct png_writer {
    embcache_codec_output *output;
    size_t capacity;
    png_bytep *rows;
    png_textp texts;
};

static void on_error(png_structp png, png_const_charp message) {
    struct png_writer *writer = png_get_error_ptr(png);
    snprintf(writer->output->message, sizeof writer->output->message, "%s", message);
    png_longjmp(png, 1);
}

static void on_warning(png_structp png, png_const_charp message) {
    (void)png;
    (void)message;
}

static void write_bytes(png_structp png, png_bytep data, size_t length) {
    struct png_writer *writer = png_get_io_ptr(png);
    embcache_codec_output *output = writer->output;
    if (length > writer->capacity - output->size) {
        size_t capacity = writer->capacity ? writer->capacity : 4096;
        while (length > capacity - output->size) capacity *= 2;
        uint8_t *grown = realloc(output->data, capacity);
        if (grown == NULL) png_error(png, "out of memory for the encoded image");
        output->data = grown;
        writer->capacity = capacity;
    }
    memcpy(output->data + output->size, data, length);
    output->size += length;
}

static void flush_bytes(png_structp png) { (void)png; }

static int color_type(int channels) {
    switch (channels) {
    case 1: return PNG_COLOR_TYPE_GRAY;
    case 2: return PNG_COLOR_TYPE_GRAY_ALPHA;
    case 3: return PNG_COLOR_TYPE_RGB;
    default: return PNG_COLOR_TYPE_RGB_ALPHA;
    }
}

static void release(struct png_writer *writer, png_structp png, png_infop info) {
    png_destroy_write_struct(&png, info ? &info : NULL);
    free(writer->rows);
    free(writer->texts);
    free(writer);
}

int embcache_png_write(
    const uint8_t *pixels, uint32_t width, uint32_t height, size_t row_bytes, int channels, int bit_depth,
    int compression_level, int interlaced, const char *const *text_keys, const char *const *text_values,
    int text_count, embcache_codec_output *output) {
    output->data = NULL;
    output->size = 0;
    output->message[0] = 0;
    struct png_writer *writer = calloc(1, sizeof *writer);
    if (writer == NULL) goto out_of_memory;
    writer->output = output;
    writer->rows = malloc(sizeof(png_bytep) * (height ? height : 1));
    writer->texts = calloc(text_count > 0 ? (size_t)text_count : 1, sizeof(png_text));
    png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, writer, on_error, on_warning);
    png_infop info = png ? png_create_info_struct(png) : NULL;
    if (writer->rows == NULL || writer->texts == NULL || info == NULL) {
        release(writer, png, info);
        goto out_of_memory;
    }
    if (setjmp(png_jmpbuf(png))) {
        release(writer, png, info);
        embcache_codec_output_free(output);
        return -1;
    }
    png_set_write_fn(png, writer, write_bytes, flush_bytes);
    png_set_compression_level(png, compression_level);
    png_set_IHDR(png, info, width, height, bit_depth, color_type(channels),
                 interlaced ? PNG_INTERLACE_ADAM7 : PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT,
                 PNG_FILTER_TYPE_DEFAULT);
    for (int index = 0; index < text_count; index++) {
        writer->texts[index].compression = PNG_TEXT_COMPRESSION_NONE;
        writer->texts[index].key = (png_charp)text_keys[index];
        writer->texts[index].text = (png_charp)text_values[index];
    }
    if (text_count > 0) png_set_text(png, info, writer->texts, text_count);
    for (uint32_t row = 0; row < height; row++) writer->rows[row] = (png_bytep)pixels + (size_t)row * row_bytes;
    png_write_info(png, info);
    png_write_image(png, writer->rows);
    png_write_end(png, NULL);
    release(writer, png, info);
    return 0;

out_of_memory:
    snprintf(output->message, sizeof output->message, "out of memory");
    return -1;
}
