import "pe"
include "common.yar"

rule BITS_Transfer_Script : T1197 T1059_001 windows
{
    meta:
        description = "BITS transfer from a script \"quoted\" \x41 \n"
        author = "fuzz seed"
        date = "2024-04-21"
        modified = "2024-05-01"
        reference = "https://example.org/bits"
        reference2 = "https://example.org/more"
        mitre_att = "T1197"
        mitre_att = "TA0005, S0190 | T1105:T1071.001"
        score = 75
        active = true
    strings:
        $a = "bitsadmin /transfer" ascii wide nocase
        $b = { 4D 5A ?? 00 [2-4] ( 90 | CC ) ~00 }
        $c = /https?:\/\/[a-z0-9.]{3,}\/[^"]+\.exe/i
        $d = "}" // a brace in a string
    condition:
        uint16(0) == 0x5A4D and filesize < 2MB and
        (2 of ($a, $b, $c) or for any i in (1..#a) : ( @a[i] < 100 )) and $d
}

private global rule Helper {
    condition: true
}
