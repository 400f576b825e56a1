//go:build amd64 && !purego

#include "textflag.h"

// func findAVX2(data *byte, n, from int, t *Tables) (p int, found bool)
//
// For p = from, from+32, ... while p+34 <= n: load the 32 bytes at p, p+1
// and p+2; for each, look up the bucket bits of its low and high nibbles
// (VPSHUFB) and AND them all; a non-zero byte is a candidate window start.
// Also a candidate: Esc0 followed by Esc1 or Esc2. Return the first
// candidate, or the first position not examined and found=false.
//
// Tables: Lo0 0, Hi0 32, Lo1 64, Hi1 96, Lo2 128, Hi2 160,
// Nibble 192, Esc0 224, Esc1 256, Esc2 288.
TEXT ·findAVX2(SB), NOSPLIT, $0-41
	MOVQ data+0(FP), SI
	MOVQ n+8(FP), DX
	MOVQ from+16(FP), CX
	MOVQ t+24(FP), R8
	VMOVDQU 0(R8), Y8
	VMOVDQU 32(R8), Y9
	VMOVDQU 64(R8), Y10
	VMOVDQU 96(R8), Y11
	VMOVDQU 128(R8), Y12
	VMOVDQU 160(R8), Y13
	VMOVDQU 192(R8), Y14
	VMOVDQU 224(R8), Y15
	SUBQ $34, DX // last p examined: n-34

loop:
	CMPQ CX, DX
	JGT  done
	VMOVDQU (SI)(CX*1), Y0
	VMOVDQU 1(SI)(CX*1), Y1
	VMOVDQU 2(SI)(CX*1), Y2

	// window byte 0
	VPAND   Y14, Y0, Y3
	VPSRLW  $4, Y0, Y4
	VPAND   Y14, Y4, Y4
	VPSHUFB Y3, Y8, Y3
	VPSHUFB Y4, Y9, Y4
	VPAND   Y3, Y4, Y5

	// window byte 1
	VPAND   Y14, Y1, Y3
	VPSRLW  $4, Y1, Y4
	VPAND   Y14, Y4, Y4
	VPSHUFB Y3, Y10, Y3
	VPSHUFB Y4, Y11, Y4
	VPAND   Y3, Y4, Y3
	VPAND   Y3, Y5, Y5

	// window byte 2
	VPAND   Y14, Y2, Y3
	VPSRLW  $4, Y2, Y4
	VPAND   Y14, Y4, Y4
	VPSHUFB Y3, Y12, Y3
	VPSHUFB Y4, Y13, Y4
	VPAND   Y3, Y4, Y3
	VPAND   Y3, Y5, Y5

	// escapes: a backslash, then esc1 or esc2
	VPCMPEQB Y15, Y0, Y6
	VPCMPEQB 256(R8), Y1, Y7
	VPCMPEQB 288(R8), Y1, Y3
	VPOR     Y3, Y7, Y7
	VPAND    Y6, Y7, Y6

	VPXOR     Y7, Y7, Y7
	VPCMPEQB  Y7, Y5, Y5 // 0xff where no bucket
	VPMOVMSKB Y5, AX
	NOTL      AX
	VPMOVMSKB Y6, BX
	ORL       BX, AX
	JNZ       found
	ADDQ      $32, CX
	JMP       loop

found:
	BSFL AX, AX
	ADDQ AX, CX
	MOVQ CX, p+32(FP)
	MOVB $1, found+40(FP)
	VZEROUPPER
	RET

done:
	MOVQ CX, p+32(FP)
	MOVB $0, found+40(FP)
	VZEROUPPER
	RET
