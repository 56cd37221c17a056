/*
 * insn_das.c - the dual-address-space facility (DAS; GA22-7000 edition 10, chapter 3 "Address
 * Spaces", chapter 5 "Dual-Address-Space Control", chapter 10): the secondary address space and
 * the instructions that reach it (SAC, IAC, MVCP, MVCS), address-space numbers and their tables
 * (EPAR, ESAR, SSAR, LASP), the table-based subroutine linkage (PC, PT), and the key-controlled
 * instructions of the facility (MVCK, IVSK, TPROT). The rows are in insn_control.def.
 *
 * Control registers:
 *   CR0  bit 4 extraction-authority control, bit 5 secondary-space control
 *   CR1  primary segment-table designation (PSTD; bit 31 space-switch-event control)
 *   CR3  bits 0-15 PSW-key mask (PKM), bits 16-31 secondary ASN (SASN)
 *   CR4  bits 0-15 authorization index (AX), bits 16-31 primary ASN (PASN)
 *   CR5  linkage-table designation: bit 0 subsystem-linkage control, 8-24 origin, 25-31 length
 *   CR7  secondary segment-table designation (SSTD)
 *   CR14 bit 12 ASN-translation control, bits 20-31 ASN-first-table origin (x 4096)
 *
 * Tables, all in real storage (prefixing applies, key protection does not):
 *
 *   ASN first table, indexed by ASN bits 0-9 (4-byte entries):
 *      0 1     7 8                          27 28  31
 *     +-+-------+------------------------------+----+
 *     |I| 0000000| ASN-second-table origin    |0000|       x 16
 *     +-+-------+------------------------------+----+
 *   ASN second table, indexed by ASN bits 10-15 (16-byte entries):
 *     word 0: I (bit 0), zeros (1-7), authority-table origin (8-29, x 4), zeros (30-31)
 *     word 1: authorization index (32-47), authority-table length (48-59, units of 4 bytes), zeros
 *     word 2: segment-table designation (STD), as CR1
 *     word 3: linkage-table designation (LTD), as CR5; bits 97-103 zero
 *   Authority table, indexed by AX: two bits per AX, P (primary) and S (secondary) authority.
 *   Linkage table (CR5), indexed by PC-number bits 12-23 (LX); entry: I (bit 0), zeros (1-7),
 *     entry-table origin (8-25, x 64), entry-table length (26-31, units of 64 bytes).
 *   Entry table, indexed by PC-number bits 24-31 (EX), 16-byte entries:
 *     word 0: authorization key mask (0-15), entry ASN (16-31)
 *     word 1: zeros (32-39), entry instruction address (40-62), entry problem state (63)
 *     word 2: entry parameter;  word 3: entry key mask (96-111)
 *
 * Exceptions of ASN and PC-number translation, authority and space switching store their
 * parameter (the ASN, the PC number, the old PASN) at real X'90' like a translation-exception
 * address. Not provided: DAS tracing (CR12), which came with later models.
 */
#include "machine/insn_table.h"

#define CR0_EXTRACTION 0x08000000u  /* bit 4: extraction-authority control */
#define CR0_SECONDARY 0x04000000u   /* bit 5: secondary-space control */
#define CR5_SSLC 0x80000000u        /* bit 0: subsystem-linkage control */
#define CR5_LTO 0x00FFFF80u         /* bits 8-24: linkage-table origin */
#define CR5_LTL 0x0000007Fu         /* bits 25-31: linkage-table length */
#define CR14_ASN_TRANSLATION 0x00080000u /* bit 12: ASN-translation control */
#define CR14_AFTO 0x00000FFFu       /* bits 20-31: ASN-first-table origin, x 4096 */
#define STD_SSE 0x00000001u         /* bit 31 of a STD: space-switch-event control */

#define AFTE_INVALID 0x80000000u
#define AFTE_ASTO 0x00FFFFF0u
#define AFTE_ZERO 0x7F00000Fu
#define ASTE0_INVALID 0x80000000u
#define ASTE0_ATO 0x00FFFFFCu
#define ASTE0_ZERO 0x7F000003u
#define ASTE1_ZERO 0x0000000Fu
#define ASTE3_ZERO 0x7F000000u
#define LTE_INVALID 0x80000000u
#define LTE_ZERO 0x7F000000u
#define LTE_ETO 0x00FFFFC0u
#define LTE_ETL 0x0000003Fu
#define ETE1_ZERO 0xFF000000u
#define ETE1_EIA 0x00FFFFFEu

#define PASN(c) ((uint16_t)(c)->cr[4])
#define SASN(c) ((uint16_t)(c)->cr[3])
#define AX(c) ((uint16_t)((c)->cr[4] >> 16))

/* The R1 and R2 fields of an RRE instruction: byte 3 of its bytes. */
static inline unsigned rre_r1(const struct dinsn *d)
{
	return ((const uint8_t *)&d->raw)[3] >> 4;
}

static inline unsigned rre_r2(const struct dinsn *d)
{
	return ((const uint8_t *)&d->raw)[3] & 15;
}

/* Most of the facility needs DAT on (which implies the EC mode): special-operation exception. */
static void require_dat(struct cpu *c)
{
	if (!(c->tlb_bits & TLB_DAT))
		program_check(c, PIC_SPECIAL_OPERATION);
}

/* EPAR, ESAR, IAC, IVSK in the problem state need the extraction-authority control. */
static void require_extraction_authority(struct cpu *c)
{
	if (c->problem && !(c->cr[0] & CR0_EXTRACTION))
		program_check(c, PIC_PRIVILEGED);
}

/* A key named by the program (MVCK, MVCP, MVCS) needs its PSW-key-mask bit in the problem state. */
static void require_key_authority(struct cpu *c, unsigned key)
{
	if (c->problem && !(c->cr[3] & (0x80000000u >> key)))
		program_check(c, PIC_PRIVILEGED);
}

/* An exception whose parameter (ASN or PC number) goes to real X'90'; nullifying. */
static noreturn void das_exception(struct cpu *c, enum pic code, uint32_t parameter)
{
	put_be32(real_ptr(c, 0x90), parameter);
	program_check_nullify(c, code);
}

/* A new primary or secondary segment-table designation: the TLB (and the decoded blocks) hold
 * translations made with the old one. */
static void load_std(struct cpu *c, int cr, uint32_t std)
{
	if (c->cr[cr] != std) {
		c->cr[cr] = std;
		tlb_purge(c);
	}
}

/* ------------------------------------------------------------------------------------------------
 * ASN translation and authorization (chapter 3)
 */

/*
 * ASN translation: the ASN-second-table entry of asn into aste. Returns 0, or
 * PIC_AFX_TRANSLATION / PIC_ASX_TRANSLATION when the first- or second-table entry is invalid: the
 * caller raises it (or, for LASP, sets a condition code). Addressing exceptions for the entries
 * and ASN-translation-specification exceptions (ones where zeros belong) are raised here.
 */
static enum pic asn_translate(struct cpu *c, uint16_t asn, uint32_t aste[4])
{
	uint32_t afto = (c->cr[14] & CR14_AFTO) << 12;
	uint32_t afte = real_fetch4(c, (afto + (asn >> 6) * 4u) & AMASK);
	if (afte & AFTE_INVALID)
		return PIC_AFX_TRANSLATION;
	if (afte & AFTE_ZERO)
		program_check(c, PIC_ASN_TRANSLATION_SPEC);
	uint32_t ea = (afte & AFTE_ASTO) + (asn & 0x3Fu) * 16;
	for (unsigned i = 0; i < 4; i++)
		aste[i] = real_fetch4(c, (ea + 4 * i) & AMASK);
	if (aste[0] & ASTE0_INVALID)
		return PIC_ASX_TRANSLATION;
	if ((aste[0] & ASTE0_ZERO) || (aste[1] & ASTE1_ZERO) || (aste[3] & ASTE3_ZERO))
		program_check(c, PIC_ASN_TRANSLATION_SPEC);
	return 0;
}

/* ASN authorization: may a program with authorization index ax make the space of aste its primary
 * (P bit) or secondary (S bit) space? False too when ax is past the authority table's length. */
static bool asn_authorized(struct cpu *c, uint16_t ax, const uint32_t aste[4], bool secondary)
{
	uint32_t atl = (aste[1] >> 4) & 0xFFF;
	if ((uint32_t)(ax >> 4) > atl)
		return false;
	uint8_t ate = real_fetch1(c, ((aste[0] & ASTE0_ATO) + (ax >> 2)) & AMASK);
	unsigned bit = 7 - 2 * (ax & 3u) - secondary;
	return (ate >> bit) & 1;
}

/* ------------------------------------------------------------------------------------------------
 * Address-space numbers and mode
 */

/* EPAR R1 - Extract Primary ASN [RRE]: R1 = PASN (CR4 bits 16-31), bits 0-15 zero. */
const struct dinsn *op_epar(struct cpu *c, const struct dinsn *d)
{
	require_dat(c);
	require_extraction_authority(c);
	c->gr[rre_r1(d)] = PASN(c);
	return NEXT(d, 4);
}

/* ESAR R1 - Extract Secondary ASN [RRE]: R1 = SASN (CR3 bits 16-31), bits 0-15 zero. */
const struct dinsn *op_esar(struct cpu *c, const struct dinsn *d)
{
	require_dat(c);
	require_extraction_authority(c);
	c->gr[rre_r1(d)] = SASN(c);
	return NEXT(d, 4);
}

/* IAC R1 - Insert Address Space Control [RRE]: PSW bit 16 into R1 bit 23, bits 16-22 zero, the
 * rest unchanged. CC 0 primary-space mode, 1 secondary-space mode. */
const struct dinsn *op_iac(struct cpu *c, const struct dinsn *d)
{
	require_dat(c);
	require_extraction_authority(c);
	uint32_t *r1 = &c->gr[rre_r1(d)];
	*r1 = (*r1 & 0xFFFF00FFu) | (c->secondary ? 0x100u : 0);
	c->cc = c->secondary;
	return NEXT(d, 4);
}

/* SAC D2(B2) - Set Address Space Control [S]: bits 20-23 of the second-operand address, 0000
 * primary or 0001 secondary, become PSW bit 16. Needs the secondary-space control (CR0 bit 5). */
const struct dinsn *op_sac(struct cpu *c, const struct dinsn *d)
{
	require_dat(c);
	if (!(c->cr[0] & CR0_SECONDARY))
		program_check(c, PIC_SPECIAL_OPERATION);
	unsigned mode = (dea_s2(c, d) >> 8) & 15;
	if (mode > 1)
		program_check(c, PIC_SPECIFICATION);
	c->secondary = mode;
	tlb_update_bits(c);
	return NEXT(d, 4);
}

/* SSAR R1 - Set Secondary ASN [RRE]: R1 bits 16-31 become the SASN. To the current primary space
 * (SSAR-cp) the SSTD becomes the PSTD; otherwise (SSAR-ss) the ASN is translated, the current AX
 * must have secondary authority for it, and its segment table becomes the SSTD. */
const struct dinsn *op_ssar(struct cpu *c, const struct dinsn *d)
{
	require_dat(c);
	if (!(c->cr[14] & CR14_ASN_TRANSLATION))
		program_check(c, PIC_SPECIAL_OPERATION);
	uint16_t sasn = (uint16_t)c->gr[rre_r1(d)];
	uint32_t sstd = c->cr[1];
	if (sasn != PASN(c)) {
		uint32_t aste[4];
		enum pic x = asn_translate(c, sasn, aste);
		if (x)
			das_exception(c, x, sasn);
		if (!asn_authorized(c, AX(c), aste, true))
			das_exception(c, PIC_SECONDARY_AUTHORITY, sasn);
		sstd = aste[2];
	}
	c->cr[3] = (c->cr[3] & 0xFFFF0000u) | sasn;
	load_std(c, 7, sstd);
	return NEXT(d, 4);
}

/*
 * LASP D1(B1),D2(B2) - Load Address Space Parameters [SSE]: from the doubleword at D1(B1), the
 * PKM, SASN, AX and PASN; second-operand address bits 29 (force ASN translation), 30 (take the AX
 * from the operand) and 31 (skip the secondary-authority test) as in the manual's "Summary of
 * Actions". CC 0 loaded; 1 PASN not available; 2 SASN not available or not authorized; 3
 * space-switch event specified. Nothing is loaded unless CC 0.
 */
const struct dinsn *op_lasp(struct cpu *c, const struct dinsn *d)
{
	PRIVILEGED(c);
	if (!(c->cr[14] & CR14_ASN_TRANSLATION))
		program_check(c, PIC_SPECIAL_OPERATION);
	uint32_t a1 = dea_s1(c, d), bits = dea_s2(c, d);
	if (a1 & 7)
		program_check(c, PIC_SPECIFICATION);
	uint64_t op = vfetch8(c, a1);
	uint16_t pkm = (uint16_t)(op >> 48), sasn = (uint16_t)(op >> 32), ax_d = (uint16_t)(op >> 16);
	uint16_t pasn = (uint16_t)op;
	bool force = bits & 4, operand_ax = bits & 2, skip_authority = bits & 1;

	uint32_t aste[4], pstd = c->cr[1], ltd = c->cr[5];
	uint16_t ax = AX(c);
	if (force || pasn != PASN(c)) {
		if (asn_translate(c, pasn, aste)) {
			c->cc = 1;
			return NEXT(d, 6);
		}
		if ((c->cr[1] & STD_SSE) || (aste[2] & STD_SSE)) {
			c->cc = 3;
			return NEXT(d, 6);
		}
		pstd = aste[2];
		ltd = aste[3];
		ax = (uint16_t)(aste[1] >> 16);
	}
	if (operand_ax)
		ax = ax_d;

	uint32_t sstd = pstd;
	if (sasn != pasn) {
		if (!force && skip_authority && sasn == SASN(c)) {
			sstd = c->cr[7];
		} else {
			bool available = !asn_translate(c, sasn, aste);
			if (!available || (!skip_authority && !asn_authorized(c, ax, aste, true))) {
				c->cc = 2;
				return NEXT(d, 6);
			}
			sstd = aste[2];
		}
	}
	c->cr[3] = (uint32_t)pkm << 16 | sasn;
	c->cr[4] = (uint32_t)ax << 16 | pasn;
	c->cr[5] = ltd;
	load_std(c, 1, pstd);
	load_std(c, 7, sstd);
	c->cc = 0;
	return NEXT(d, 6);
}

/* ------------------------------------------------------------------------------------------------
 * Moves between spaces and keys
 */

/*
 * Move n bytes (1..256) from src in one space with one key to dst in another: left to right, a
 * byte at a time as MVC does, once every byte of both operands is known to be accessible (each
 * operand spans at most two 2K blocks).
 */
static void move_keyed(struct cpu *c, uint32_t dst, bool dst_secondary, unsigned dst_key, uint32_t src,
		       bool src_secondary, unsigned src_key, uint32_t n)
{
	uint32_t src_split = BLOCK_SIZE - (src & BLOCK_MASK), dst_split = BLOCK_SIZE - (dst & BLOCK_MASK);
	const uint8_t *s0 = mem_access(c, src, ACC_FETCH, src_key, src_secondary), *s1 = NULL;
	if (src_split < n)
		s1 = mem_access(c, (src + src_split) & AMASK, ACC_FETCH, src_key, src_secondary);
	uint8_t *d0 = mem_access(c, dst, ACC_STORE, dst_key, dst_secondary), *d1 = NULL;
	if (dst_split < n)
		d1 = mem_access(c, (dst + dst_split) & AMASK, ACC_STORE, dst_key, dst_secondary);
	for (uint32_t i = 0; i < n; i++) {
		uint8_t b = i < src_split ? s0[i] : s1[i - src_split];
		if (i < dst_split)
			d0[i] = b;
		else
			d1[i - dst_split] = b;
	}
}

/* The common part of MVCK, MVCP and MVCS: R1 is the true length, R3 bits 24-27 the key named for
 * the one operand (the other uses the PSW key). CC 0 length <= 256; CC 3 longer, 256 moved. */
static const struct dinsn *move_with_key(struct cpu *c, const struct dinsn *d, bool dst_secondary,
					 bool src_secondary, bool key_for_dst)
{
	unsigned key = (c->gr[d->r2] >> 4) & 15;
	require_key_authority(c, key);
	uint32_t len = c->gr[d->r1];
	uint32_t n = len > 256 ? 256 : len;
	if (n)
		move_keyed(c, dea_s1(c, d), dst_secondary, key_for_dst ? key : c->key, dea_s2(c, d),
			   src_secondary, key_for_dst ? c->key : key, n);
	c->cc = len > 256 ? 3 : 0;
	return NEXT(d, 6);
}

/* MVCK D1(R1,B1),D2(B2),R3 - Move with Key [SS]: the second operand fetched with the key in R3,
 * the first stored with the PSW key, both in the current space. */
const struct dinsn *op_mvck(struct cpu *c, const struct dinsn *d)
{
	bool sec = secondary_mode(c);
	return move_with_key(c, d, sec, sec, false);
}

/* MVCP and MVCS need DAT on and the secondary-space control (CR0 bit 5). */
static void require_secondary_control(struct cpu *c)
{
	require_dat(c);
	if (!(c->cr[0] & CR0_SECONDARY))
		program_check(c, PIC_SPECIAL_OPERATION);
}

/* MVCP D1(R1,B1),D2(B2),R3 - Move to Primary [SS]: from the secondary space (key in R3) to the
 * primary space (PSW key). */
const struct dinsn *op_mvcp(struct cpu *c, const struct dinsn *d)
{
	require_secondary_control(c);
	return move_with_key(c, d, false, true, false);
}

/* MVCS D1(R1,B1),D2(B2),R3 - Move to Secondary [SS]: from the primary space (PSW key) to the
 * secondary space (key in R3). */
const struct dinsn *op_mvcs(struct cpu *c, const struct dinsn *d)
{
	require_secondary_control(c);
	return move_with_key(c, d, true, false, true);
}

/* ------------------------------------------------------------------------------------------------
 * Keys and protection
 */

/* IVSK R1,R2 - Insert Virtual Storage Key [RRE]: the storage key (access key and fetch bit) of
 * the block that the logical address in R2 designates, in the current space, into R1 bits 24-28;
 * bits 29-31 zero, 0-23 unchanged. */
const struct dinsn *op_ivsk(struct cpu *c, const struct dinsn *d)
{
	require_dat(c);
	require_extraction_authority(c);
	uint32_t abs = real_to_abs(c, mem_real(c, c->gr[rre_r2(d)], secondary_mode(c), false));
	if (abs >= c->storage_size)
		program_check(c, PIC_ADDRESSING);
	uint32_t *r1 = &c->gr[rre_r1(d)];
	*r1 = (*r1 & 0xFFFFFF00u) | (c->keys[abs >> BLOCK_SHIFT] & (SKEY_ACC | SKEY_FETCH));
	return NEXT(d, 4);
}

/* TPROT D1(B1),D2(B2) - Test Protection [SSE]: may the location D1(B1) (a logical address in the
 * current space) be fetched and stored with the access key in bits 24-27 of D2(B2)? Key-controlled
 * and segment protection count. CC 0 fetch and store, 1 fetch only, 2 neither, 3 translation not
 * available. */
const struct dinsn *op_tprot(struct cpu *c, const struct dinsn *d)
{
	PRIVILEGED(c);
	uint32_t va = dea_s1(c, d), ra = va;
	unsigned key = (dea_s2(c, d) >> 4) & 15;
	bool protect = false;
	if (c->tlb_bits & TLB_DAT) {
		if (dat_translate(c, space_std(c, secondary_mode(c)), va, &ra, &protect) != DAT_OK) {
			c->cc = 3;
			return NEXT(d, 6);
		}
	}
	uint32_t abs = real_to_abs(c, ra);
	if (abs >= c->storage_size)
		program_check(c, PIC_ADDRESSING);
	uint8_t skey = c->keys[abs >> BLOCK_SHIFT];
	bool match = key == 0 || (skey >> 4) == key;
	bool fetch = match || !(skey & SKEY_FETCH), store = match && !protect;
	c->cc = store ? 0 : fetch ? 1 : 2;
	return NEXT(d, 6);
}

/* ------------------------------------------------------------------------------------------------
 * Program call and program transfer (chapter 5, "PC-Number Translation"; chapter 10)
 */

/* A new primary space (PC-ss, PT-ss): PSTD, AX, LTD and PASN from aste. Returns whether a
 * space-switch event is due: the space-switch-event control is one in the old or the new PSTD;
 * *info is then the old PASN, with bit 0 the old control. */
static bool switch_primary(struct cpu *c, uint16_t pasn, const uint32_t aste[4], uint32_t *info)
{
	bool event = (c->cr[1] & STD_SSE) || (aste[2] & STD_SSE);
	*info = PASN(c) | (c->cr[1] & STD_SSE ? 0x80000000u : 0);
	c->cr[4] = (aste[1] & 0xFFFF0000u) | pasn;
	c->cr[5] = aste[3];
	load_std(c, 1, aste[2]);
	return event;
}

/* PC and PT need DAT on, the primary-space mode and the subsystem-linkage control (CR5 bit 0). */
static void require_linkage(struct cpu *c)
{
	require_dat(c);
	if (secondary_mode(c) || !(c->cr[5] & CR5_SSLC))
		program_check(c, PIC_SPECIAL_OPERATION);
}

/*
 * PC D2(B2) - Program Call [S]: bits 12-31 of the second-operand address are the PC number. Its
 * entry-table entry gives the new instruction address and problem state, the entry parameter
 * (into R4) and the entry key mask (ORed into the PKM); the return address with the problem-state
 * bit goes to R14, the old PKM and PASN to R3. The secondary space becomes the old primary space.
 * An entry ASN of zero calls into the current primary space (PC-cp); otherwise (PC-ss) that ASN's
 * space becomes the primary space, and a space-switch event may follow.
 */
const struct dinsn *op_pc(struct cpu *c, const struct dinsn *d)
{
	uint32_t pcn = dea_s2(c, d) & 0xFFFFF;
	require_linkage(c);
	unsigned lx = pcn >> 8, ex = pcn & 0xFF;
	if ((lx >> 5) > (c->cr[5] & CR5_LTL))
		das_exception(c, PIC_LX_TRANSLATION, pcn);
	uint32_t lte = real_fetch4(c, ((c->cr[5] & CR5_LTO) + lx * 4) & AMASK);
	if (lte & LTE_INVALID)
		das_exception(c, PIC_LX_TRANSLATION, pcn);
	if (lte & LTE_ZERO)
		program_check(c, PIC_PC_TRANSLATION_SPEC);
	if ((ex >> 2) > (lte & LTE_ETL))
		das_exception(c, PIC_EX_TRANSLATION, pcn);
	uint32_t ete[4], ea = (lte & LTE_ETO) + ex * 16;
	for (unsigned i = 0; i < 4; i++)
		ete[i] = real_fetch4(c, (ea + 4 * i) & AMASK);
	if (ete[1] & ETE1_ZERO)
		program_check(c, PIC_PC_TRANSLATION_SPEC);
	if (c->problem && !(c->cr[3] & ete[0] & 0xFFFF0000u))
		program_check(c, PIC_PRIVILEGED); /* PKM AND authorization key mask is zero */
	uint16_t easn = (uint16_t)ete[0];
	uint32_t aste[4];
	if (easn) {
		if (!(c->cr[14] & CR14_ASN_TRANSLATION))
			program_check(c, PIC_SPECIAL_OPERATION);
		enum pic x = asn_translate(c, easn, aste);
		if (x)
			das_exception(c, x, easn);
	}

	c->gr[14] = ((d->ia + 4) & AMASK) | c->problem;
	c->gr[3] = (c->cr[3] & 0xFFFF0000u) | PASN(c);
	c->gr[4] = ete[2];
	c->cr[3] = ((c->cr[3] | ete[3]) & 0xFFFF0000u) | PASN(c);
	load_std(c, 7, c->cr[1]);
	uint32_t info = 0;
	bool event = easn && switch_primary(c, easn, aste, &info);
	c->problem = ete[1] & 1;
	c->ia = ete[1] & ETE1_EIA;
	if (event) {
		put_be32(real_ptr(c, 0x90), info);
		program_check_completed(c, PIC_SPACE_SWITCH);
	}
	return resolve(c);
}

/*
 * PT R1,R2 - Program Transfer [RRE]: R1 bits 16-31 the new PASN, bits 0-15 a mask ANDed into the
 * PKM; R2 bits 8-30 the new instruction address, bit 31 the new problem state (the problem state
 * cannot be left this way). To the current primary space (PT-cp) nothing else changes; otherwise
 * (PT-ss) the ASN is translated, the current AX must have primary authority for it, and its space
 * becomes the primary space, with a possible space-switch event. The secondary space becomes the
 * new primary space.
 */
const struct dinsn *op_pt(struct cpu *c, const struct dinsn *d)
{
	require_linkage(c);
	uint32_t r1 = c->gr[rre_r1(d)], r2 = c->gr[rre_r2(d)];
	bool problem = r2 & 1;
	if (c->problem && !problem)
		program_check(c, PIC_PRIVILEGED);
	uint16_t pasn = (uint16_t)r1;
	uint32_t aste[4];
	bool space_switch = pasn != PASN(c);
	if (space_switch) {
		if (!(c->cr[14] & CR14_ASN_TRANSLATION))
			program_check(c, PIC_SPECIAL_OPERATION);
		enum pic x = asn_translate(c, pasn, aste);
		if (x)
			das_exception(c, x, pasn);
		if (!asn_authorized(c, AX(c), aste, false))
			das_exception(c, PIC_PRIMARY_AUTHORITY, pasn);
	}

	uint32_t info = 0;
	bool event = space_switch && switch_primary(c, pasn, aste, &info);
	c->cr[3] = (c->cr[3] & r1 & 0xFFFF0000u) | pasn;
	load_std(c, 7, c->cr[1]);
	c->problem = problem;
	c->ia = r2 & ETE1_EIA;
	if (event) {
		put_be32(real_ptr(c, 0x90), info);
		program_check_completed(c, PIC_SPACE_SWITCH);
	}
	return resolve(c);
}
