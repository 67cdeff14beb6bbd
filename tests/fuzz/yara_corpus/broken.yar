rule Unterminated_String {
    strings: $a = "no end
    condition: $a
}
rule Bad_Hex { strings: $h = { 4D 5Z [9-2] } condition: $h }
rule NoCondition { meta: a = 1 }
rule dup_tag : a a { condition: true }
private private rule Dup_Mod { condition: true }
rule Good_After_Errors { condition: true }
rule Good_After_Errors { condition: false }
rule Unbalanced { condition: ( true }
/* unterminated comment
rule Hidden { condition: true }
